// Opens the database the app runs on: DATABASE_URL when set, else embedded PostgreSQL in
// dataDir. The schema is migrated before the first query, unless a read-only tool says not to.
import type { Logger } from 'pino';
import { createDb, type Db } from './client.js';
import type { EmbeddedPostgres } from './embedded.js';
import { startEmbedded } from './embedded-template.js';
import { migrate } from './migrate.js';

export interface OpenDatabase {
  url: string;
  db: Db;
  close(): Promise<void>;
}

export async function openDatabase(
  cfg: { databaseUrl?: string; dataDir: string; poolSize?: number },
  log: Pick<Logger, 'info' | 'warn'>,
  /** embedded: the one startEmbedded began for cfg, when the caller started it early. */
  opts: { migrate?: boolean; embedded?: Promise<EmbeddedPostgres> } = {},
): Promise<OpenDatabase> {
  const embedded = await (opts.embedded ?? startEmbedded(cfg, log));
  // There is an embedded database exactly when DATABASE_URL is not set.
  const url = embedded?.url ?? cfg.databaseUrl!;
  const poolSize = embedded?.poolSize ?? cfg.poolSize ?? 10;
  const stopEmbedded = async () => embedded?.stop();
  try {
    if (opts.migrate ?? true) await migrate(url, log);
  } catch (err) {
    await stopEmbedded();
    throw err;
  }
  const db = createDb(url, poolSize);
  return {
    url,
    db,
    async close() {
      try {
        await db.$disconnect();
      } finally {
        await stopEmbedded();
      }
    },
  };
}
