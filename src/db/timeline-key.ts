// The key of the timeline's hash chain. TIMELINE_KEY when set; otherwise, with the embedded database,
// a key generated once and kept beside the data (0600, `timeline.key` in DATA_DIR). A shared
// PostgreSQL has no such folder that every replica sees, so it needs TIMELINE_KEY (config.ts refuses
// to start without it).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type DatabaseConfig } from '../config.js';

export const KEY_FILE = 'timeline.key';

/**
 * The key for this configuration. `create: false` (read-only tools) never writes one: a folder
 * without a key has no keyed chains to check.
 */
export function timelineKey(cfg: DatabaseConfig, opts: { create: boolean }): string {
  if (cfg.timelineKey) return cfg.timelineKey;
  if (cfg.databaseUrl) throw new ConfigError('Set TIMELINE_KEY: a shared DATABASE_URL needs the same timeline key in every process (see .env.example).');
  const file = path.join(cfg.dataDir, KEY_FILE);
  if (existsSync(file)) {
    // Readable by others, the key proves nothing: tighten it rather than trust it as it is.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }
  if (!opts.create) throw new ConfigError(`No timeline key: ${file} does not exist, and TIMELINE_KEY is not set. Start the bot once to create it.`);
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
