// The one place a Prisma client is built. Prisma 7 runs its query compiler in WASM behind the
// pg driver adapter, so the same client serves real PostgreSQL and the embedded PGlite socket.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../prisma/generated/client.js';

export type Db = PrismaClient;

/** Where a client keeps its pool: a symbol property, so wrappers (a test's Proxy) still reach it. */
const POOL = Symbol('pg pool');

export function createDb(url: string, poolSize: number): Db {
  // Pipelined connections: statements sent back to back on one connection share a round trip (the
  // repository's hot path sends BEGIN with its first statement and COMMIT with its last). Prisma
  // awaits each of its statements, so it runs as before on the same pool.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, pipeline: true });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Prisma's default 2 s wait for a connection is too short for a burst on a small pool: a declare
  // that waited a little is better than one refused.
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 10_000 } });
  Object.defineProperty(db, POOL, { value: pool });
  return db;
}

/** The pg pool under a client made by createDb, for the statements the repository runs on it directly. */
export function poolOf(db: Db): pg.Pool {
  const pool = (db as unknown as Record<symbol, pg.Pool | undefined>)[POOL];
  if (!pool) throw new Error('a Db not made by createDb has no pool');
  return pool;
}

/** A query failed because a table or column is missing: the database is not migrated to this build. */
export function isSchemaBehind(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'P2021' || code === 'P2022';
}
