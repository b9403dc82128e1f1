// Starts the real bot in-process with the local console only, on a fresh database, and a real
// Chromium (Debian's, driven by playwright-core) to use it as people do. Screenshots go to
// test/e2e/screenshots/, written again on every run.
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBot, type RunningBot } from '../../src/bot.js';
import type { Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { createLogger } from '../../src/log.js';
import { freshDatabase } from './database.js';

export const SCREENSHOTS = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));

export type ConsoleBot = {
  bot: RunningBot;
  db: Db;
  url: string;
  /** A page as one person of the switcher, in a room ("general" unless named); `prepare` runs before it loads. */
  open(person: string, room?: string, prepare?: (page: Page) => Promise<void>): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  stop(): Promise<void>;
};

export async function startConsoleBot(opts: { drill?: boolean; clockSpeed?: number } = {}): Promise<ConsoleBot> {
  const database = await freshDatabase();
  const config: Config = {
    console: { host: '127.0.0.1' },
    drill: opts.drill ?? false,
    clockSpeed: opts.clockSpeed ?? 1,
    databaseUrl: database.url,
    databasePoolSize: database.poolSize,
    timelineKey: TEST_TIMELINE_KEY,
    dataDir: '.data-unused',
    port: 0,
    logLevel: 'silent',
    incidentChannelPrivate: false,
    schedulerTickSeconds: 10,
  };
  const bot = await startBot(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  const db = createDb(database.url, database.poolSize);
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const url = `http://127.0.0.1:${bot.port}/`;
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    bot,
    db,
    url,
    async open(person, room = 'general', prepare) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      await prepare?.(page);
      await page.goto(`${url}?room=${encodeURIComponent(room)}&as=${encodeURIComponent(person)}`);
      return page;
    },
    async shot(page, name) {
      await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
    },
    async stop() {
      await browser.close();
      await db.$disconnect();
      await bot.stop();
      await database.close();
    },
  };
}
