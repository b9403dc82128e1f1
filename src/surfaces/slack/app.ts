// Builds the Bolt app: HTTP mode verifies signatures on POST /slack/events; Socket Mode is used
// whenever an app token is configured. Either way the listeners are the same.
import { App, HTTPReceiver, SocketModeReceiver, webApi, type Authorize } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackConfig } from '../../config.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps, WebClient } from './context.js';
import { registerListeners } from './listeners/index.js';
import { slackErrorCode } from './slack-error.js';
import { CALL_TIMEOUT_MS } from './slack-chat.js';
import { guardRequests } from './edge/http-guard.js';
import { containReconnects } from './edge/socket-reconnect.js';
import { socketConnection } from './edge/socket-state.js';
import type { Logger } from '../../log.js';
import { observeAck } from '../../metrics.js';
import { slackFetch } from './web-fetch.js';

export type SlackSurface = {
  app: App;
  /** The bot token's Web API client: the chat port talks through it. */
  client: WebClient;
  /** Wires the listeners to the application layer (built after the surface, around its chat port). */
  listen(deps: SlackDeps): void;
  /** HTTP mode: hand /slack/events requests to this. Absent in Socket Mode. */
  handle?: (req: IncomingMessage, res: ServerResponse) => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Why Slack cannot reach the bot now (for /readyz); undefined while it can. */
  unready(): string | undefined;
};

// Idempotent calls: transport failures and 5xx are retried by the WebClient, 429 after its
// Retry-After. A few quick tries suit a live incident better than the default half-hour schedule;
// posts and channel creation are never retried blindly (slack-chat.ts).
const RETRY = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000, randomize: true };

const REJECTED_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

/**
 * Checks the bot token once at start. A token Slack rejects stops start-up; an unreachable Slack
 * does not, because the bot must come up (and keep its timeline) during a Slack outage too.
 */
async function checkToken(client: WebClient, log: Logger) {
  try {
    const me = await client.auth.test();
    log.info({ team: me.team_id, botUser: me.user_id }, 'Slack token accepted');
  } catch (e) {
    const code = slackErrorCode(e);
    if (code && REJECTED_TOKEN.has(code)) throw new Error(`Slack rejected SLACK_BOT_TOKEN (${code}): set a valid bot token.`);
    log.warn({ err: e }, 'Slack is unreachable at start; continuing, calls will be retried');
  }
}

/**
 * Bolt's own single-token authorization, with token verification off, calls auth.test on every
 * request (a Web API round trip before each listener runs). The bot's identity does not change, so
 * the first answer is kept; a failed call is not, so a Slack outage at start heals by itself.
 */
function rememberedAuthorize(client: WebClient, botToken: string): Authorize<boolean> {
  let known: ReturnType<Authorize<boolean>> | undefined;
  return () =>
    (known ??= client.auth.test().then(
      (me) => ({ botToken, botId: me.bot_id, botUserId: me.user_id, teamId: me.team_id }),
      (e: unknown) => {
        known = undefined;
        throw e;
      },
    ));
}

export function createSlackSurface(cfg: SlackConfig, log: Logger): SlackSurface {
  const logger = boltLogger(log);
  const clientOptions = { slackApiUrl: cfg.apiUrl, retryConfig: RETRY, timeout: CALL_TIMEOUT_MS, fetch: slackFetch() };
  const client = new webApi.WebClient(cfg.botToken, { ...clientOptions, logger });
  const authorize = rememberedAuthorize(client, cfg.botToken);
  // No conversation store: the incident state lives in PostgreSQL, and Bolt's in-memory store threw
  // (and caught) an Error on every request that had no stored conversation.
  const appOptions = { authorize, logger, clientOptions, convoStore: false as const };
  const listen = (app: App) => (deps: SlackDeps) => registerListeners(app, deps);
  if (cfg.appToken) {
    const receiver = new SocketModeReceiver({ appToken: cfg.appToken, logger, installerOptions: { clientOptions } });
    const app = new App({ ...appOptions, receiver });
    timeAcks(app);
    const connected = socketConnection(receiver.client);
    return {
      app,
      client,
      unready: () => (connected() ? undefined : 'socket mode disconnected'),
      listen: listen(app),
      start: async () => {
        await checkToken(client, log);
        await app.start();
        containReconnects(receiver.client, log);
      },
      stop: () => app.stop() as Promise<void>,
    };
  }
  const receiver = new HTTPReceiver({ signingSecret: cfg.signingSecret ?? '', logger, endpoints: ['/slack/events'] });
  const app = new App({ ...appOptions, receiver });
  timeAcks(app);
  return {
    app,
    client,
    listen: listen(app),
    handle: guardRequests(receiver.requestListener, cfg.signingSecret ?? '', log),
    start: () => checkToken(client, log),
    stop: async () => {},
    // Slack delivers over HTTP: the bot can take it whenever its server answers.
    unready: () => undefined,
  };
}

/** Records each request's time to ack() by kind (command, block_actions, view_submission, ...). */
function timeAcks(app: App) {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const started = performance.now();
    const body = (event.body ?? {}) as { type?: unknown; command?: unknown };
    const kind = typeof body.command === 'string' ? 'command' : typeof body.type === 'string' ? body.type : 'unknown';
    const ack = event.ack;
    return processEvent({ ...event, ack: (response) => (observeAck('slack', kind, (performance.now() - started) / 1000), ack(response)) });
  };
}
