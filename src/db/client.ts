// The one place a Prisma client is built. Prisma 7 runs its query compiler in WASM behind the
// pg driver adapter, so the same client serves real PostgreSQL and the embedded PGlite socket.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/client.js';

export type Db = PrismaClient;

export function createDb(url: string, poolSize: number): Db {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  // Prisma's default 2 s wait for a connection is too short for a burst on a small pool: a declare
  // that waited a little is better than one refused.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 10_000 } });
}

/** A query failed because a table or column is missing: the database is not migrated to this build. */
export function isSchemaBehind(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'P2021' || code === 'P2022';
}
