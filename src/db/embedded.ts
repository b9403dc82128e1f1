// PostgreSQL without a server to install: PGlite (PostgreSQL in WASM) behind a wire-protocol
// socket, so pg and @prisma/adapter-pg connect to it exactly as to a real server.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock.js';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  url: string;
  /** How many connections one client may open: see EMBEDDED_POOL_SIZE. */
  poolSize: number;
  stop(): Promise<void>;
}

/**
 * PGlite is a single session. The socket server queues every connection's messages onto it but
 * does not isolate their transactions (measured: a concurrent insert saw another transaction's
 * uncommitted row), so each client keeps to one connection and transactions stay whole.
 */
export const EMBEDDED_POOL_SIZE = 1;

/** Connections the server accepts, all from the process that owns the data folder (see lockDataDir). */
const MAX_CLIENTS = 8;

export async function startEmbeddedPostgres(opts: {
  dataDir?: string; // undefined = in memory, gone on stop()
  log?: Pick<Logger, 'info' | 'warn'>;
}): Promise<EmbeddedPostgres> {
  if (opts.dataDir !== undefined) await mkdir(opts.dataDir, { recursive: true });
  const unlock = opts.dataDir === undefined ? () => {} : lockDataDir(opts.dataDir);
  let db: PGlite;
  let server: PGLiteSocketServer;
  try {
    db = await PGlite.create(opts.dataDir);
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_CLIENTS });
    await server.start().catch(async (err) => {
      await db.close();
      throw err;
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  opts.log?.info({ url, dataDir: opts.dataDir ?? 'memory' }, 'embedded PostgreSQL started');

  let stopped: Promise<void> | undefined;
  return {
    url,
    poolSize: EMBEDDED_POOL_SIZE,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        // stop() detaches handlers without awaiting them; let their rollbacks run first.
        await new Promise((resolve) => setImmediate(resolve));
        await db.close();
        unlock();
        opts.log?.info({ dataDir: opts.dataDir ?? 'memory' }, 'embedded PostgreSQL stopped');
      })();
      return stopped;
    },
  };
}
