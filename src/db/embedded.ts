// PostgreSQL without a server to install: PGlite (PostgreSQL in WASM) behind a wire-protocol
// socket, so pg and @prisma/adapter-pg connect to it exactly as to a real server.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: {
  dataDir?: string; // undefined = in memory, gone on stop()
  poolSize: number;
  log?: Pick<Logger, 'info' | 'warn'>;
}): Promise<EmbeddedPostgres> {
  if (opts.dataDir !== undefined) await mkdir(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir);
  // The pool plus a migrator connection plus one spare; the socket server's default is 1.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: opts.poolSize + 2 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  opts.log?.info({ url, dataDir: opts.dataDir ?? 'memory' }, 'embedded PostgreSQL started');

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        // stop() detaches handlers without awaiting them; let their rollbacks run first.
        await new Promise((resolve) => setImmediate(resolve));
        await db.close();
        opts.log?.info({ dataDir: opts.dataDir ?? 'memory' }, 'embedded PostgreSQL stopped');
      })();
      return stopped;
    },
  };
}
