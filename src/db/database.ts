// Opens the database the app runs on: DATABASE_URL when set, else embedded PostgreSQL in
// dataDir. The schema is migrated before the first query, unless a read-only tool says not to.
import type { Logger } from 'pino';
import { createDb, type Db } from './client.js';
import { startEmbeddedPostgres } from './embedded.js';
import { embeddedTemplate } from './embedded-template.js';
import { migrate } from './migrate.js';

export interface OpenDatabase {
  url: string;
  db: Db;
  close(): Promise<void>;
}

export async function openDatabase(
  cfg: { databaseUrl?: string; dataDir: string; poolSize?: number },
  log: Pick<Logger, 'info' | 'warn'>,
  opts: { migrate?: boolean } = {},
): Promise<OpenDatabase> {
  let url = cfg.databaseUrl;
  let poolSize = cfg.poolSize ?? 10;
  let stopEmbedded = async () => {};
  if (url === undefined) ({ url, poolSize, stop: stopEmbedded } = await startEmbeddedPostgres({ dataDir: cfg.dataDir, log, template: embeddedTemplate }));
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
