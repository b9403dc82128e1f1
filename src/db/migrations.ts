// The migrations this build has: prisma/migrations/*/migration.sql, read with Prisma's checksums.
// Kept apart from migrate.ts, so that a start-up can find its embedded template before loading pg.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'prisma', 'migrations');

export interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

/** Prisma's render_checksum: lower-case hex SHA-256 of the script exactly as read. */
const renderChecksum = (script: string) => createHash('sha256').update(script, 'utf8').digest('hex');

export async function readMigrations(): Promise<MigrationFile[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  // fatal + ignoreBOM: fail on invalid UTF-8 and keep a BOM, as Rust's read_to_string does.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return Promise.all(
    names.map(async (name) => {
      const script = decoder.decode(await readFile(join(MIGRATIONS_DIR, name, 'migration.sql')));
      return { name, script, checksum: renderChecksum(script) };
    }),
  );
}

/** A digest of every migration this build has (names and scripts): what a migrated database holds. */
export async function migrationsDigest(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of await readMigrations()) hash.update(`${f.name}\n${f.checksum}\n`);
  return hash.digest('hex');
}
