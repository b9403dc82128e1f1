// PostgreSQL without a server to install: PGlite (PostgreSQL in WASM) behind a wire-protocol
// socket, so pg and @prisma/adapter-pg connect to it exactly as to a real server. The socket is a
// Unix socket in a 0700 folder: PGlite has no passwords, so only the bot's own user may reach it.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock.js';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  url: string;
  /** How many connections one client may open: see EMBEDDED_POOL_SIZE. */
  poolSize: number;
  /** The whole database as a tarball (see embedded-template.ts). */
  dumpDataDir(): Promise<Blob>;
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

const SOCKET_PORT = 5432;
const SOCKET_FILE = `.s.PGSQL.${SOCKET_PORT}`;

/**
 * The socket's folder, readable by this user only: `run/` in the data folder (a socket left by a
 * crash is removed; the data folder's lock says it is ours), or a fresh temporary folder.
 */
async function privateSocketDir(dataDir: string | undefined): Promise<string> {
  if (dataDir === undefined) return mkdtemp(path.join(tmpdir(), 'incident-bot-pg-'));
  const dir = path.join(dataDir, 'run');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await rm(path.join(dir, SOCKET_FILE), { force: true });
  return dir;
}

export async function startEmbeddedPostgres(opts: {
  dataDir?: string; // undefined = in memory, gone on stop()
  log?: Pick<Logger, 'info' | 'warn'>;
  /** A database to start from when there is none yet, instead of an empty one made by initdb. */
  template?: () => Promise<Blob | undefined>;
}): Promise<EmbeddedPostgres> {
  if (opts.dataDir !== undefined) await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const unlock = opts.dataDir === undefined ? () => {} : lockDataDir(opts.dataDir);
  let db: PGlite;
  let server: PGLiteSocketServer;
  let socketDir: string;
  let from: 'existing' | 'template' | 'initdb';
  try {
    socketDir = await privateSocketDir(opts.dataDir);
    const fresh = opts.dataDir === undefined || !existsSync(path.join(opts.dataDir, 'PG_VERSION'));
    const loadDataDir = fresh ? await opts.template?.() : undefined;
    from = loadDataDir ? 'template' : fresh ? 'initdb' : 'existing';
    db = await PGlite.create(opts.dataDir, loadDataDir ? { loadDataDir } : {});
    server = new PGLiteSocketServer({ db, path: path.join(socketDir, SOCKET_FILE), maxConnections: MAX_CLIENTS });
    await server.start().catch(async (err) => {
      await db.close();
      throw err;
    });
  } catch (err) {
    unlock();
    throw err;
  }
  // pg reads a host that is a path as the folder of a Unix socket named .s.PGSQL.<port>.
  const url = `postgresql://postgres@${encodeURIComponent(socketDir)}:${SOCKET_PORT}/postgres`;
  opts.log?.info({ dataDir: opts.dataDir ?? 'memory', from }, 'embedded PostgreSQL started');

  let stopped: Promise<void> | undefined;
  return {
    url,
    poolSize: EMBEDDED_POOL_SIZE,
    dumpDataDir: () => db.dumpDataDir('none'),
    stop() {
      stopped ??= (async () => {
        await server.stop();
        // stop() detaches handlers without awaiting them; let their rollbacks run first.
        await new Promise((resolve) => setImmediate(resolve));
        await db.close();
        if (opts.dataDir === undefined) await rm(socketDir, { recursive: true, force: true });
        unlock();
        opts.log?.info({ dataDir: opts.dataDir ?? 'memory' }, 'embedded PostgreSQL stopped');
      })();
      return stopped;
    },
  };
}
