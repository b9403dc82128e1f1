// One process per embedded data folder: a second opener is refused with a message naming the holder,
// and a lock left by a dead process does not block the next start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { lockDataDir } from '../../src/db/data-dir-lock.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

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
