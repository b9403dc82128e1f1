// A first start on the embedded database would spend seconds of WASM in initdb and then apply every
// migration. Instead, install time (postinstall) makes one migrated, empty database and keeps its
// tarball; a first start, and every in-memory database, loads that instead. The tarball's name
// carries a digest of the migrations and of PGlite's version, so a stale one is never loaded: a
// build whose template is missing or stale simply starts the slow way.
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import type { Logger } from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { migrationsDigest } from './migrations.js';

const CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'incident-bot');

async function templatePath(): Promise<string> {
  const pglite = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  const key = createHash('sha256').update(`${pglite.version}\n${await migrationsDigest()}`).digest('hex').slice(0, 16);
  return path.join(CACHE_DIR, `embedded-${key}.tar`);
}

/** The template's file for this build, or undefined when install time made none (or made it for other migrations). */
export async function embeddedTemplate(): Promise<string | undefined> {
  const file = await templatePath();
  try {
    await access(file);
    return file;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The embedded database in dataDir (from this build's template when there is none yet), starting in
 * its own thread; undefined when DATABASE_URL is set. Light to import: main.ts starts it before
 * loading the rest of the bot.
 */
export function startEmbedded(cfg: { databaseUrl?: string; dataDir: string }, log: Pick<Logger, 'info' | 'warn'>): Promise<EmbeddedPostgres> | undefined {
  return cfg.databaseUrl === undefined ? startEmbeddedPostgres({ dataDir: cfg.dataDir, log, template: embeddedTemplate }) : undefined;
}

/** Makes the template for this build unless it exists; returns its path. */
export async function buildEmbeddedTemplate(): Promise<string> {
  const file = await templatePath();
  if (await embeddedTemplate()) return file;
  // Imported here: main.ts loads this file to start the database, before it needs pg.
  const { migrate } = await import('./migrate.js');
  const server = await startEmbeddedPostgres({});
  try {
    await migrate(server.url);
    const tar = await server.dumpDataDir();
    await mkdir(CACHE_DIR, { recursive: true });
    // Written aside, then renamed: a reader never loads half a tarball.
    await writeFile(`${file}.tmp`, tar);
    await rename(`${file}.tmp`, file);
    return file;
  } finally {
    await server.stop();
  }
}
