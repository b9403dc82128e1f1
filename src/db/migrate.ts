// Applies prisma/migrations/*/migration.sql the way `prisma migrate deploy` would, because the
// Prisma CLI's native schema engine cannot be downloaded on our machines. The bookkeeping in
// _prisma_migrations is Prisma's own, so the real CLI can take over a database we migrated.
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { readMigrations, type MigrationFile } from './migrations.js';

// Prisma's key (flavour/postgres.rs), so we also exclude a concurrent `prisma migrate`.
const LOCK_KEY = 72707369;
const LOCK_TIMEOUT = '10s'; // Prisma's ADVISORY_LOCK_TIMEOUT

// Verbatim from Prisma's create_migrations_table, plus IF NOT EXISTS.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/** Prisma's script_matches_checksum: line endings may differ, and old rows lack zero padding. */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  return variants.some((variant) => {
    const digest = createHash('sha256').update(variant, 'utf8').digest();
    const rendered =
      checksum.length !== 0 && checksum.length !== 64
        ? [...digest].map((byte) => byte.toString(16)).join('')
        : digest.toString('hex');
    return rendered === checksum;
  });
}

function refuseBrokenHistory(files: MigrationFile[], rows: MigrationRow[]): void {
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length > 0) {
    const details = failed
      .map((r) => {
        const logs = r.logs?.trim() ? `: ${r.logs.trim()}` : '';
        return `\`${r.migration_name}\` started at ${r.started_at.toISOString()} failed${logs}`;
      })
      .join('\n');
    throw new Error(
      `Refusing to migrate: failed migrations in _prisma_migrations (Prisma P3009).\n${details}\n` +
        'Repair the database, then set rolled_back_at on the failed row (prisma migrate resolve --rolled-back <name>).',
    );
  }
  for (const file of files) {
    const applied = rows.filter((r) => r.migration_name === file.name && r.rolled_back_at === null);
    if (applied.some((r) => !scriptMatchesChecksum(file.script, r.checksum))) {
      throw new Error(
        `Refusing to migrate: migration \`${file.name}\` was modified after it was applied ` +
          '(its checksum differs from the one in _prisma_migrations). Restore the file and add a new migration instead.',
      );
    }
  }
}

/** Applies pending migrations in name order; returns the names this call applied. */
export async function migrate(url: string, log?: Pick<Logger, 'info' | 'warn'>): Promise<string[]> {
  const files = await readMigrations();
  const client = new pg.Client({ connectionString: url });
  // Without a listener a dropped connection would crash the process; the query rejects anyway.
  client.on('error', (err) => log?.warn({ err }, 'migration connection lost'));
  await client.connect();
  try {
    // A session lock survives the COMMIT; SET LOCAL bounds only this wait, like Prisma's timeout.
    await client
      .query(`BEGIN; SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'; SELECT pg_advisory_lock(${LOCK_KEY}); COMMIT`)
      .catch((err: unknown) => {
        if ((err as { code?: string }).code !== '55P03') throw err; // lock_not_available
        throw new Error(
          `Could not take the migration lock (pg_advisory_lock(${LOCK_KEY})) within ${LOCK_TIMEOUT}: ` +
            'another process is migrating this database, or is stuck holding the lock.',
          { cause: err },
        );
      });
    try {
      await client.query(CREATE_TABLE);
      const { rows } = await client.query<MigrationRow>('SELECT * FROM _prisma_migrations ORDER BY started_at');
      refuseBrokenHistory(files, rows);
      const done = new Set(rows.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
      const unknown = [...done].filter((name) => !files.some((f) => f.name === name));
      // Prisma ignores these too, but they mean this build is older than the database.
      if (unknown.length) log?.warn({ unknown }, 'database has migrations this build does not know');
      const applied: string[] = [];
      for (const file of files.filter((f) => !done.has(f.name))) {
        if (await applyOne(client, file)) applied.push(file.name);
      }
      log?.info({ applied, total: files.length }, applied.length ? 'migrations applied' : 'database schema up to date');
      return applied;
    } finally {
      // If this fails the connection is gone, which releases the lock too; keep the first error.
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => {});
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<boolean> {
  const id = randomUUID();
  const startedAt = new Date();
  await client.query('BEGIN');
  try {
    // Embedded PGlite has one session for all connections, so the advisory lock does not
    // exclude a concurrent migrator there; its transactions are serialised, so re-check here.
    const again = await client.query(
      'SELECT 1 FROM _prisma_migrations WHERE migration_name = $1 AND rolled_back_at IS NULL',
      [file.name],
    );
    if (again.rowCount) {
      await client.query('ROLLBACK');
      return false;
    }
    // Prisma's three writes: started, one successful step, finished. Inside the script's
    // transaction, so a crash half-way leaves neither the schema change nor a row.
    await client.query(
      'INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, $3, $4)',
      [id, file.checksum, startedAt, file.name],
    );
    await client.query(file.script);
    await client.query('UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = $1', [id]);
    await client.query('UPDATE _prisma_migrations SET finished_at = $2 WHERE id = $1', [id, new Date()]);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK');
    // As Prisma does, leave a failed row (finished_at null, the error in logs): nothing
    // migrates past it until a person has looked and marked it rolled back.
    await client.query(
      'INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, logs) VALUES ($1, $2, $3, $4, $5)',
      [id, file.checksum, startedAt, file.name, String(err)],
    );
    throw new Error(`Migration \`${file.name}\` failed and was rolled back: ${String(err)}`, { cause: err });
  }
}
