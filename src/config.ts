// The only reader of process.env. Every variable is named, typed and explained here, and a bad
// value stops start-up with a message that names the variable and what it expects.
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A blank line in .env (`PORT=`) means "use the default", as it does for every other variable. */
const blankIsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Containment actions travel signed, and over TLS unless the receiver is on this machine. */
const webhookUrl = z
  .string()
  .refine((v) => URL.canParse(v), { message: 'expected a URL such as https://ops.example.com/incident-actions' })
  .refine(
    (v) => {
      const u = URL.canParse(v) ? new URL(v) : null;
      return !u || u.protocol === 'https:' || (u.protocol === 'http:' && (LOOPBACK.has(u.hostname) || /^127(\.\d{1,3}){3}$/.test(u.hostname)));
    },
    { message: 'expected an https:// URL (http:// only to localhost or 127.0.0.1; no other scheme)' },
  );

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.pipe(
    z.string().startsWith('xoxb-', { message: 'expected a bot token starting with xoxb-' }).optional(),
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(
    z.string().startsWith('xapp-', { message: 'expected an app-level token starting with xapp-' }).optional(),
  ),
  SLACK_API_URL: optionalText.pipe(z.url({ message: 'expected a URL such as https://slack.com/api/' }).optional()),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgresql:// connection URL' })
      .optional(),
  ),
  DATA_DIR: optionalText,
  DATABASE_POOL_SIZE: blankIsUnset(z.coerce.number({ message: 'expected a whole number of connections' }).int().min(1).max(100).default(10)),
  PORT: blankIsUnset(z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).default(3000)),
  LOG_LEVEL: blankIsUnset(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  INCIDENT_CHANNEL_PRIVATE: blankIsUnset(flag.default(false)),
  INCIDENT_ESCALATION_CHANNEL: optionalText,
  ACTION_WEBHOOK_URL: optionalText.pipe(webhookUrl.optional()),
  ACTION_WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .min(16, { message: 'expected at least 16 characters (whsec_<base64> as Standard Webhooks generates, or any 16 characters or more)' })
      .refine((v) => !v.startsWith('whsec_') || /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/.test(v), { message: 'expected whsec_ followed by the base64 of at least 16 random bytes' })
      .optional(),
  ),
  ACTION_WEBHOOK_ACTIONS: optionalText,
  SCHEDULER_TICK_SECONDS: blankIsUnset(z.coerce.number({ message: 'expected whole seconds, 1 to 59' }).int().min(1).max(59).default(10)),
});

export type SlackConfig = {
  botToken: string;
  /** HTTP mode verifies every request with it; Socket Mode does not need it. */
  signingSecret?: string;
  /** Set: Socket Mode. */
  appToken?: string;
  apiUrl?: string;
};

export type Config = {
  slack: SlackConfig;
  databaseUrl?: string;
  /** Connections to DATABASE_URL; the embedded database always uses one. */
  databasePoolSize: number;
  dataDir: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  incidentChannelPrivate: boolean;
  /** Where escalated update reminders also go (a channel id). */
  escalationChannel?: string;
  /** Seconds between scheduler ticks. */
  schedulerTickSeconds: number;
  /** Containment actions sent to a webhook; every other action is confirmed by hand. */
  actionWebhook?: { url: string; secret: string; actions: 'all' | string[] };
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseEnv(env: NodeJS.ProcessEnv) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  return parsed.data;
}

/** The database settings alone, for tools such as `npm run db:migrate` that need no Slack. */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): { databaseUrl?: string; dataDir: string } {
  const e = parseEnv(env);
  return { databaseUrl: e.DATABASE_URL, dataDir: path.resolve(e.DATA_DIR ?? '.data') };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(env);
  const missing: string[] = [];
  if (e.ACTION_WEBHOOK_URL && !e.ACTION_WEBHOOK_SECRET) missing.push('ACTION_WEBHOOK_SECRET (signs every webhook body; required with ACTION_WEBHOOK_URL)');
  if (!e.SLACK_BOT_TOKEN) missing.push('SLACK_BOT_TOKEN (the bot token, xoxb-...)');
  if (!e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    missing.push('SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode, xapp-...)');
  }
  if (missing.length > 0 || !e.SLACK_BOT_TOKEN) {
    throw new ConfigError(
      `Configuration is incomplete. Set:\n${missing.map((m) => `  ${m}`).join('\n')}\n` +
        'Create the app from manifests/slack/manifest.yaml; see README.md and .env.example.',
    );
  }
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: path.resolve(e.DATA_DIR ?? '.data'),
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    incidentChannelPrivate: e.INCIDENT_CHANNEL_PRIVATE,
    escalationChannel: e.INCIDENT_ESCALATION_CHANNEL,
    schedulerTickSeconds: e.SCHEDULER_TICK_SECONDS,
    ...(e.ACTION_WEBHOOK_URL && e.ACTION_WEBHOOK_SECRET
      ? {
          actionWebhook: {
            url: e.ACTION_WEBHOOK_URL,
            secret: e.ACTION_WEBHOOK_SECRET,
            actions: !e.ACTION_WEBHOOK_ACTIONS || e.ACTION_WEBHOOK_ACTIONS === '*' ? ('all' as const) : e.ACTION_WEBHOOK_ACTIONS.split(',').map((a) => a.trim()),
          },
        }
      : {}),
  };
}
