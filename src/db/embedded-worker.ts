// The embedded PostgreSQL's own thread (see embedded.ts): PGlite's WASM and its wire-protocol socket
// run here, so opening the database, most of a start-up's CPU, overlaps the main thread's own
// start-up work, and the database's WASM never holds up the bot's event loop.
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { unpackTar } from './tar.js';

export interface EmbeddedWorkerData {
  dataDir: string | undefined; // undefined = in memory
  /** A tarball of a database to start from, instead of an empty one made by initdb. */
  templateFile: string | undefined;
  socketPath: string;
  maxConnections: number;
}

export type ToEmbeddedWorker = 'dump' | 'stop';
export type FromEmbeddedWorker = { started: true } | { failed: unknown } | { dump: Uint8Array } | { stopped: true };

const port = parentPort!;
const send = (message: FromEmbeddedWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const { dataDir, templateFile, socketPath, maxConnections } = workerData as EmbeddedWorkerData;

/** A new data folder is unpacked from the template before PGlite opens it; PG_VERSION, last, marks it whole. */
async function open(): Promise<PGlite> {
  if (templateFile === undefined) return PGlite.create(dataDir);
  if (dataDir === undefined) return PGlite.create({ loadDataDir: new Blob([await readFile(templateFile)]) });
  await unpackTar(templateFile, dataDir, 'PG_VERSION');
  return PGlite.create(dataDir);
}

async function start(): Promise<{ db: PGlite; server: PGLiteSocketServer }> {
  const db = await open();
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections });
  await server.start().catch(async (err) => {
    await db.close();
    throw err;
  });
  return { db, server };
}

try {
  const { db, server } = await start();
  port.on('message', async (message: ToEmbeddedWorker) => {
    if (message === 'dump') {
      const dump = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
      send({ dump }, [dump.buffer as ArrayBuffer]);
      return;
    }
    await server.stop();
    // stop() detaches handlers without awaiting them; let their rollbacks run first.
    await new Promise((resolve) => setImmediate(resolve));
    await db.close();
    send({ stopped: true });
    port.close();
  });
  send({ started: true });
} catch (failed) {
  send({ failed });
  port.close();
}
