// Starts the real bot in-process on a free port, against a fresh database and a fake Slack Web API.
import { startBot, type RunningBot } from '../../src/bot.js';
import type { Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { createLogger } from '../../src/log.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { createServer, type AddressInfo } from 'node:net';
import { freshDatabase, type TestDatabase } from './database.js';
import { SIGNING_SECRET } from './slack-requests.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';

export type TestBot = {
  bot: RunningBot;
  clock: ShiftableClock;
  slack: FakeSlackApi;
  db: Db;
  eventsUrl: string;
  /** POST /api/messages, when Teams is configured. */
  messagesUrl: string;
  responseUrl: string;
  stop(): Promise<void>;
};

/** The bot's clock in a test: real time unless the test moves it. */
export class ShiftableClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** A port nothing listens on now, for a test that probes the bot while it is still starting. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startTestBot(
  opts: {
    privateChannels?: boolean;
    escalationChannel?: string;
    actionWebhook?: Config['actionWebhook'];
    teams?: Config['teams'];
    runbookDir?: string;
    /** Socket Mode, over this ws:// URL (a FakeSocketMode's), instead of signed HTTP. */
    socketModeUrl?: string;
    port?: number;
  } = {},
): Promise<TestBot> {
  const clock = new ShiftableClock();
  const database: TestDatabase = await freshDatabase();
  const slack = await new FakeSlackApi().start();
  slack.socketModeUrl = opts.socketModeUrl ?? '';
  const bot = await startBot(
    {
      slack: { botToken: 'xoxb-test', signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl, ...(opts.socketModeUrl ? { appToken: 'xapp-test' } : {}) },
      databaseUrl: database.url,
      databasePoolSize: database.poolSize,
      dataDir: '.data-unused',
      port: opts.port ?? 0,
      logLevel: 'silent',
      incidentChannelPrivate: opts.privateChannels ?? false,
      escalationChannel: opts.escalationChannel,
      actionWebhook: opts.actionWebhook,
      ...(opts.teams ? { teams: opts.teams } : {}),
      schedulerTickSeconds: 10,
      timelineKey: TEST_TIMELINE_KEY,
      ...(opts.runbookDir ? { runbookDir: opts.runbookDir } : {}),
    },
    createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    // Tests tick the scheduler themselves, at the times they choose.
    { clock, autoTick: false },
  );
  const db = createDb(database.url, database.poolSize);
  return {
    bot,
    clock,
    slack,
    db,
    eventsUrl: `http://127.0.0.1:${bot.port}/slack/events`,
    messagesUrl: `http://127.0.0.1:${bot.port}/api/messages`,
    responseUrl: `${slack.url}/response/1`,
    async stop() {
      await db.$disconnect();
      await bot.stop();
      await slack.stop();
      await database.close();
    },
  };
}
