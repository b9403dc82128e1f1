// A migrated, empty database per test file: a throw-away database on the PostgreSQL server in
// DATABASE_URL when set (CI), else an in-memory embedded PGlite.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { embeddedTemplate } from '../../src/db/embedded-template.js';
import { migrate } from '../../src/db/migrate.js';

export interface TestDatabase {
  url: string;
  /** Connections one client may open (1 on the embedded database). */
  poolSize: number;
  close(): Promise<void>;
}

export async function freshDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = opts.migrated ?? true;
  const db = process.env.DATABASE_URL ? await createOnServer(process.env.DATABASE_URL) : await embedded(migrated);
  if (migrated) {
    try {
      await migrate(db.url);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}

async function embedded(migrated: boolean): Promise<TestDatabase> {
  // A migrated one starts from the install-time template when there is one, in a fraction of initdb's time.
  const server = await startEmbeddedPostgres(migrated ? { template: embeddedTemplate } : {});
  return { url: server.url, poolSize: server.poolSize, close: server.stop };
}

async function createOnServer(serverUrl: string): Promise<TestDatabase> {
  const name = `test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    poolSize: 10,
    // FORCE: a test that leaked a connection must not leak its database as well.
    close: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A migrated database and a Prisma client on it for the test file (or describe block) that calls
 * this: opened before its tests, closed after them. Read `db` and `url` inside the tests.
 */
export function databaseForTests(): { db: Db; url: string } {
  let database: TestDatabase | undefined;
  const opened = { db: undefined as unknown as Db, url: '' };
  beforeAll(async () => {
    database = await freshDatabase();
    opened.db = createDb(database.url, database.poolSize);
    opened.url = database.url;
  });
  afterAll(async () => {
    await opened.db?.$disconnect();
    await database?.close();
  });
  return opened;
}
