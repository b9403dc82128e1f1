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

const url = (example: string) => optionalText.pipe(z.url({ message: `expected a URL such as ${example}` }).optional());

/** Microsoft Teams (Bot Framework) settings; Teams runs only when MICROSOFT_APP_ID is set. */
const teamsEnv = {
  MICROSOFT_APP_ID: optionalText.pipe(z.guid({ message: 'expected the bot\'s Microsoft App ID (a GUID)' }).optional()),
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TENANT_ID: optionalText.pipe(z.guid({ message: 'expected a Microsoft Entra tenant id (a GUID)' }).optional()),
  MICROSOFT_APP_TYPE: blankIsUnset(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'expected MultiTenant, SingleTenant or UserAssignedMSI' }).default('MultiTenant')),
  TEAMS_OPENID_METADATA_URL: url('https://login.botframework.com/v1/.well-known/openidconfiguration'),
  TEAMS_TOKEN_ISSUER: optionalText,
  TEAMS_LOGIN_URL: url('https://login.microsoftonline.com/botframework.com'),
  MICROSOFT_GRAPH_URL: url('https://graph.microsoft.com/v1.0'),
  TEAMS_PUBLIC_URL: url('https://incident-bot.example.com'),
  TEAMS_LINK_SECRET: optionalText.pipe(z.string().min(32, { message: 'expected at least 32 characters' }).optional()),
};

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
  ...teamsEnv,
});

export type SlackConfig = {
  botToken: string;
  /** HTTP mode verifies every request with it; Socket Mode does not need it. */
  signingSecret?: string;
  /** Set: Socket Mode. */
  appToken?: string;
  apiUrl?: string;
};

export type TeamsConfig = {
  appId: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  /** The client secret; absent only for a user-assigned managed identity. */
  appPassword?: string;
  tenantId?: string;
  /** Sovereign clouds and offline tests: where tokens come from and who issues them. All or none. */
  endpoints?: { openIdMetadataUrl: string; tokenIssuer: string; loginUrl: string };
  /** Set: incident channels and packet uploads through Microsoft Graph. Unset: threads and links. */
  graphUrl?: string;
  /** Where the bot serves signed links to files (the postmortem packet) when Graph is not configured. */
  files?: { publicUrl: string; secret: string };
};

export type Config = {
  slack: SlackConfig;
  /** Set when MICROSOFT_APP_ID is: Teams on POST /api/messages, beside Slack. */
  teams?: TeamsConfig;
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

type Env = ReturnType<typeof parseEnv>;

const isLoopback = (u: string) => LOOPBACK.has(new URL(u).hostname);

/**
 * Teams starts only with an app id and a credential: botbuilder turns authentication off when the
 * app id is empty, so a half-configured Teams is refused rather than run open.
 */
function teamsConfig(e: Env, missing: string[]): TeamsConfig | undefined {
  const set = (Object.keys(teamsEnv) as (keyof typeof teamsEnv)[]).filter((k) => k !== 'MICROSOFT_APP_TYPE' && e[k] !== undefined);
  if (!e.MICROSOFT_APP_ID) {
    if (set.length > 0) missing.push(`MICROSOFT_APP_ID (the bot's Microsoft App ID; ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set without it)`);
    return undefined;
  }
  const appType = e.MICROSOFT_APP_TYPE;
  if (appType !== 'UserAssignedMSI' && !e.MICROSOFT_APP_PASSWORD) missing.push(`MICROSOFT_APP_PASSWORD (the bot's client secret; required for ${appType})`);
  if (appType !== 'MultiTenant' && !e.MICROSOFT_APP_TENANT_ID) missing.push(`MICROSOFT_APP_TENANT_ID (required for ${appType})`);
  const endpointKeys = ['TEAMS_OPENID_METADATA_URL', 'TEAMS_TOKEN_ISSUER', 'TEAMS_LOGIN_URL'] as const;
  const endpointsSet = endpointKeys.filter((k) => e[k]);
  // botbuilder uses no defaults for the others once one is set, so they come together.
  if (endpointsSet.length > 0 && endpointsSet.length < endpointKeys.length) {
    missing.push(`${endpointKeys.filter((k) => !e[k]).join(' and ')} (set all three endpoint overrides together, or none)`);
  }
  if (e.TEAMS_LOGIN_URL && appType === 'UserAssignedMSI') missing.push('no TEAMS_LOGIN_URL with UserAssignedMSI (a managed identity gets its token from Azure, not from a login URL)');
  if (e.TEAMS_LOGIN_URL && new URL(e.TEAMS_LOGIN_URL).protocol !== 'https:' && !isLoopback(e.TEAMS_LOGIN_URL)) {
    missing.push('TEAMS_LOGIN_URL as an https:// URL (the client secret is sent to it)');
  }
  if (Boolean(e.TEAMS_PUBLIC_URL) !== Boolean(e.TEAMS_LINK_SECRET)) missing.push('TEAMS_PUBLIC_URL and TEAMS_LINK_SECRET together (signed file links need both)');
  return {
    appId: e.MICROSOFT_APP_ID,
    appType,
    ...(e.MICROSOFT_APP_PASSWORD ? { appPassword: e.MICROSOFT_APP_PASSWORD } : {}),
    ...(e.MICROSOFT_APP_TENANT_ID ? { tenantId: e.MICROSOFT_APP_TENANT_ID } : {}),
    ...(e.TEAMS_OPENID_METADATA_URL && e.TEAMS_TOKEN_ISSUER && e.TEAMS_LOGIN_URL
      ? { endpoints: { openIdMetadataUrl: e.TEAMS_OPENID_METADATA_URL, tokenIssuer: e.TEAMS_TOKEN_ISSUER, loginUrl: e.TEAMS_LOGIN_URL } }
      : {}),
    ...(e.MICROSOFT_GRAPH_URL ? { graphUrl: e.MICROSOFT_GRAPH_URL.replace(/\/+$/, '') } : {}),
    ...(e.TEAMS_PUBLIC_URL && e.TEAMS_LINK_SECRET ? { files: { publicUrl: e.TEAMS_PUBLIC_URL.replace(/\/+$/, ''), secret: e.TEAMS_LINK_SECRET } } : {}),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(env);
  const missing: string[] = [];
  const teams = teamsConfig(e, missing);
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
    ...(teams ? { teams } : {}),
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
