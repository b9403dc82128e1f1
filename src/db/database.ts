// Opens the database the app runs on: DATABASE_URL when set, else embedded PostgreSQL in
// dataDir. Either way the schema is migrated before the first query.
import type { Logger } from 'pino';
import { createDb, type Db } from './client.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';

export interface OpenDatabase {
  url: string;
  db: Db;
  close(): Promise<void>;
}

export async function openDatabase(
  cfg: { databaseUrl?: string; dataDir: string; poolSize?: number },
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<OpenDatabase> {
  let url = cfg.databaseUrl;
  let poolSize = cfg.poolSize ?? 10;
  let stopEmbedded = async () => {};
  if (url === undefined) ({ url, poolSize, stop: stopEmbedded } = await startEmbeddedPostgres({ dataDir: cfg.dataDir, log }));
  try {
    await migrate(url, log);
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
