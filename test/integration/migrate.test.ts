import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, scriptMatchesChecksum } from '../../src/db/migrate.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const dir = new URL('../../prisma/migrations/', import.meta.url);
const names = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const first = names[0]!;
const fileSha256 = (name: string) =>
  createHash('sha256').update(readFileSync(new URL(`${name}/migration.sql`, dir))).digest('hex');

describe('migrate', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeEach(async () => {
    database = await freshDatabase({ migrated: false });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterEach(async () => {
    await client.end();
    await database.close();
  });

  const rows = async () =>
    (await client.query('SELECT * FROM _prisma_migrations ORDER BY migration_name, started_at')).rows;

  it('applies every migration once; a second run is a no-op', async () => {
    expect(await migrate(database.url)).toEqual(names);
    expect(await migrate(database.url)).toEqual([]);
    expect((await rows()).map((r) => r.migration_name)).toEqual(names);
  });

  it('records each migration as Prisma does', async () => {
    await migrate(database.url);
    for (const [i, row] of (await rows()).entries()) {
      expect(row).toMatchObject({
        migration_name: names[i],
        checksum: fileSha256(names[i]!),
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("creates _prisma_migrations with Prisma's own column types", async () => {
    await migrate(database.url);
    const { rows: columns } = await client.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', len: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', len: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', len: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', len: null, is_nullable: 'NO', column_default: '0' },
    ]);
    const pk = await client.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = '_prisma_migrations'::regclass AND i.indisprimary`,
    );
    expect(pk.rows).toEqual([{ attname: 'id' }]);
  });

  it('lets two migrators started at once apply each migration exactly once', async () => {
    const [a, b] = await Promise.all([migrate(database.url), migrate(database.url)]);
    expect([...a, ...b].sort()).toEqual(names);
    expect((await rows()).map((r) => r.migration_name)).toEqual(names);
  });

  it('refuses to run when an applied migration no longer matches its file', async () => {
    await migrate(database.url);
    await client.query(`UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2`, ['0'.repeat(64), first]);
    await expect(migrate(database.url)).rejects.toThrow(new RegExp(`\`${first}\` was modified after it was applied`));
  });

  it('records a failed migration, then refuses until it is marked rolled back', async () => {
    // Make the first migration fail half-way: its first statement succeeds, a later one collides.
    await client.query(`CREATE TABLE "workspaces" (id int)`);
    await expect(migrate(database.url)).rejects.toThrow(new RegExp(`\`${first}\` failed and was rolled back`));
    const [failed] = await rows();
    expect(failed).toMatchObject({ migration_name: first, finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(failed.logs).toMatch(/already exists/);
    // Nothing of the failed script survived its transaction.
    const types = await client.query(`SELECT 1 FROM pg_type WHERE typname = 'Platform'`);
    expect(types.rowCount).toBe(0);

    await expect(migrate(database.url)).rejects.toThrow(new RegExp(`failed migrations[\\s\\S]*\`${first}\``));

    await client.query(`DROP TABLE "workspaces"`);
    await client.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1`, [failed.id]);
    expect(await migrate(database.url)).toEqual(names);
  });
});

describe('scriptMatchesChecksum (Prisma checksum.rs test vectors)', () => {
  const checksum = (s: string) => createHash('sha256').update(s).digest('hex');

  it('accepts the same script with other line endings', () => {
    for (const pair of [
      ['ab\ncd\nef\ngh\rab', 'ab\r\ncd\r\nef\r\ngh\rab'],
      ['ab\ncd\nef\ngh\rab\n', 'ab\r\ncd\r\nef\r\ngh\rab\r\n'],
    ]) {
      for (const script of pair) for (const other of pair) expect(scriptMatchesChecksum(script, checksum(other))).toBe(true);
    }
  });

  it('rejects a different script', () => {
    expect(scriptMatchesChecksum('abc', checksum('abcd'))).toBe(false);
    expect(scriptMatchesChecksum('abc\n', checksum('abc'))).toBe(false);
  });

  it('accepts the unpadded hex that old Prisma versions stored', () => {
    const digest = createHash('sha256').update('hello').digest();
    const unpadded = [...digest].map((b) => b.toString(16)).join('');
    expect(checksum('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(unpadded).not.toHaveLength(64);
    expect(scriptMatchesChecksum('hello', unpadded)).toBe(true);
  });
});
