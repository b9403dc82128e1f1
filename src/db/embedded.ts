// PostgreSQL without a server to install: PGlite (PostgreSQL in WASM) behind a wire-protocol
// socket, so pg and @prisma/adapter-pg connect to it exactly as to a real server. Both run in a
// thread of their own (embedded-worker.ts). The socket is a Unix socket in a 0700 folder: PGlite
// has no passwords, so only the bot's own user may reach it.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.js';
import type { EmbeddedWorkerData, FromEmbeddedWorker, ToEmbeddedWorker } from './embedded-worker.js';
import type { Logger } from 'pino';

export interface EmbeddedPostgres {
  url: string;
  /** How many connections one client may open: see EMBEDDED_POOL_SIZE. */
  poolSize: number;
  /** The whole database as a tarball (see embedded-template.ts). */
  dumpDataDir(): Promise<Uint8Array>;
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

/**
 * The database thread, from compiled JS as it is; from source (vitest, tsx) through tsx, which Node 20
 * applies to a worker only after its entry has loaded, so the entry registers it first.
 */
function startWorker(data: EmbeddedWorkerData): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './embedded-worker.ts' : './embedded-worker.js', import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData: data });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry.href)}))`, { eval: true, workerData: data });
}

/** The worker's next message, or the error it failed with (or exited on). */
function nextMessage(worker: Worker): Promise<FromEmbeddedWorker> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded PostgreSQL thread exited (code ${code})`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (m: FromEmbeddedWorker) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      resolve(m);
    });
  });
}

export async function startEmbeddedPostgres(opts: {
  dataDir?: string; // undefined = in memory, gone on stop()
  log?: Pick<Logger, 'info' | 'warn'>;
  /** The tarball of a database to start from when there is none yet, instead of an empty one made by initdb. */
  template?: () => Promise<string | undefined>;
}): Promise<EmbeddedPostgres> {
  if (opts.dataDir !== undefined) await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const unlock = opts.dataDir === undefined ? () => {} : lockDataDir(opts.dataDir);
  let worker: Worker;
  let socketDir: string;
  let from: 'existing' | 'template' | 'initdb';
  try {
    socketDir = await privateSocketDir(opts.dataDir);
    const fresh = opts.dataDir === undefined || !existsSync(path.join(opts.dataDir, 'PG_VERSION'));
    const templateFile = fresh ? await opts.template?.() : undefined;
    from = templateFile ? 'template' : fresh ? 'initdb' : 'existing';
    worker = startWorker({ dataDir: opts.dataDir, templateFile, socketPath: path.join(socketDir, SOCKET_FILE), maxConnections: MAX_CLIENTS });
    const first = await nextMessage(worker);
    if ('failed' in first) {
      await new Promise((resolve) => worker.once('exit', resolve));
      throw first.failed;
    }
  } catch (err) {
    unlock();
    throw err;
  }
  // pg reads a host that is a path as the folder of a Unix socket named .s.PGSQL.<port>.
  const url = `postgresql://postgres@${encodeURIComponent(socketDir)}:${SOCKET_PORT}/postgres`;
  opts.log?.info({ dataDir: opts.dataDir ?? 'memory', from }, 'embedded PostgreSQL started');
  // Fail closed: a bot whose database thread died can record nothing, so the process ends (and its
  // supervisor, or the person who started it, sees why) rather than answer every request with an error.
  const died = (code: number) => {
    opts.log?.warn({ dataDir: opts.dataDir ?? 'memory', code }, 'embedded PostgreSQL thread exited; stopping');
    unlock();
    process.exit(1);
  };
  worker.on('exit', died);
  worker.on('error', (err) => opts.log?.warn({ err, dataDir: opts.dataDir ?? 'memory' }, 'embedded PostgreSQL thread failed'));

  let stopped: Promise<void> | undefined;
  return {
    url,
    poolSize: EMBEDDED_POOL_SIZE,
    async dumpDataDir() {
      const answer = nextMessage(worker);
      worker.postMessage('dump' satisfies ToEmbeddedWorker);
      const m = await answer;
      if (!('dump' in m)) throw new Error('the embedded PostgreSQL thread did not dump its data folder');
      return m.dump;
    },
    stop() {
      stopped ??= (async () => {
        worker.off('exit', died);
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.postMessage('stop' satisfies ToEmbeddedWorker);
        await exited;
        if (opts.dataDir === undefined) await rm(socketDir, { recursive: true, force: true });
        unlock();
        opts.log?.info({ dataDir: opts.dataDir ?? 'memory' }, 'embedded PostgreSQL stopped');
      })();
      return stopped;
    },
  };
}
