// A first start on the embedded database would spend seconds of WASM in initdb and then apply every
// migration. Instead, install time (postinstall) makes one migrated, empty database and keeps its
// tarball; a first start, and every in-memory database, loads that instead. The tarball's name
// carries a digest of the migrations and of PGlite's version, so a stale one is never loaded: a
// build whose template is missing or stale simply starts the slow way.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate, migrationsDigest } from './migrate.js';

const CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'incident-bot');

async function templatePath(): Promise<string> {
  const pglite = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  const key = createHash('sha256').update(`${pglite.version}\n${await migrationsDigest()}`).digest('hex').slice(0, 16);
  return path.join(CACHE_DIR, `embedded-${key}.tar`);
}

/** The template for this build, or undefined when install time made none (or made it for other migrations). */
export async function embeddedTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(await templatePath())]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Makes the template for this build unless it exists; returns its path. */
export async function buildEmbeddedTemplate(): Promise<string> {
  const file = await templatePath();
  if (await embeddedTemplate()) return file;
  const server = await startEmbeddedPostgres({});
  try {
    await migrate(server.url);
    const tar = Buffer.from(await (await server.dumpDataDir()).arrayBuffer());
    await mkdir(CACHE_DIR, { recursive: true });
    // Written aside, then renamed: a reader never loads half a tarball.
    await writeFile(`${file}.tmp`, tar);
    await rename(`${file}.tmp`, file);
    return file;
  } finally {
    await server.stop();
  }
}
