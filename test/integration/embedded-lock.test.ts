// One process per embedded data folder: a second opener is refused with a message naming the holder,
// and a lock left by a dead process does not block the next start. Only the bot's own user can reach
// the database: no TCP port, a Unix socket in a 0700 folder, and no connectable URL in the log.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startBot } from '../../src/bot.js';
import { ConfigError, type Config } from '../../src/config.js';
import { lockDataDir } from '../../src/db/data-dir-lock.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { startEmbedded } from '../../src/db/embedded-template.js';
import { createLogger } from '../../src/log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'embedded-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses a second opener of the same folder until the first has stopped', async () => {
  const first = await startEmbeddedPostgres({ dataDir: dir });
  try {
    expect(() => lockDataDir(dir)).toThrow(`The embedded database in ${dir} is in use by process ${process.pid}`);
  } finally {
    await first.stop();
  }
  const release = lockDataDir(dir);
  release();
});

it('takes over a lock whose process is gone', () => {
  writeFileSync(path.join(dir, 'bot.pid'), '2147483646');
  const release = lockDataDir(dir);
  expect(() => lockDataDir(dir)).toThrow(/in use by process/);
  release();
});

it('listens only on a Unix socket in a folder of its own user (0700), and logs no URL', async () => {
  const logged: unknown[] = [];
  const log = { info: (o: unknown) => void logged.push(o), warn: (o: unknown) => void logged.push(o) };
  const db = await startEmbeddedPostgres({ dataDir: dir, log });
  try {
    const url = new URL(db.url);
    const socketDir = decodeURIComponent(url.hostname);
    expect(path.isAbsolute(socketDir)).toBe(true);
    expect(socketDir.startsWith(dir)).toBe(true);
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(socketDir, '.s.PGSQL.5432')).isSocket()).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(socketDir);
    expect(JSON.stringify(logged)).not.toMatch(/postgres(ql)?:\/\//);
  } finally {
    await db.stop();
  }
});

it('a start-up stopped by a configuration error leaves the folder unlocked for the next start', async () => {
  // The database starts opening before the runbook is read (main.ts starts it first): the error that
  // the catalog finds must close it again.
  const config: Config = {
    console: { host: '127.0.0.1' },
    dataDir: dir,
    databasePoolSize: 1,
    port: 0,
    logLevel: 'silent',
    incidentChannelPrivate: false,
    schedulerTickSeconds: 10,
    actionWebhook: { url: 'http://127.0.0.1:9/hook', secret: 'hook-secret', actions: ['halt-dispatchh'] },
  };
  const log = createLogger('silent');
  const embedded = startEmbedded(config, log);
  await expect(startBot(config, log, embedded ? { embedded } : {})).rejects.toThrow(ConfigError);
  const release = lockDataDir(dir);
  release();
});
