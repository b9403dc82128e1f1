// The one place a Prisma client is built. Prisma 7 runs its query compiler in WASM behind the
// pg driver adapter, so the same client serves real PostgreSQL and the embedded PGlite socket.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;

export function createDb(url: string, poolSize = 10): Db {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  return new PrismaClient({ adapter });
}
