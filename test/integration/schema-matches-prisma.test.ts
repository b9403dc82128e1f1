// The migrations are hand-written (the Prisma CLI cannot diff here), so this proves they build
// what schema.prisma describes. A field, index or enum value added to one but not the other fails.
import { readFileSync } from 'node:fs';
import internals from '@prisma/internals';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const { datamodel } = await internals.getDMMF({
  datamodel: readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8'),
});
type Model = (typeof datamodel.models)[number];
type Field = Model['fields'][number];

const tableOf = (m: Model) => m.dbName ?? m.name;
const columnOf = (m: Model, fieldName: string) => {
  const f = m.fields.find((x) => x.name === fieldName)!;
  return f.dbName ?? f.name;
};
const enumDbName = (name: string) => datamodel.enums.find((e) => e.name === name)!.dbName ?? name;
const modelByName = (name: string) => datamodel.models.find((m) => m.name === name)!;

// [udt_name, data_type] of PostgreSQL columns, keyed by Prisma type or @db native type.
const PRISMA_TYPES: Record<string, [string, string]> = {
  String: ['text', 'text'],
  Int: ['int4', 'integer'],
  BigInt: ['int8', 'bigint'],
  Float: ['float8', 'double precision'],
  Decimal: ['numeric', 'numeric'],
  Boolean: ['bool', 'boolean'],
  DateTime: ['timestamp', 'timestamp without time zone'],
  Json: ['jsonb', 'jsonb'],
  Bytes: ['bytea', 'bytea'],
};
const NATIVE_TYPES: Record<string, [string, string]> = {
  Uuid: ['uuid', 'uuid'],
  Text: ['text', 'text'],
  Timestamptz: ['timestamptz', 'timestamp with time zone'],
  Timestamp: ['timestamp', 'timestamp without time zone'],
  Date: ['date', 'date'],
};

interface ColumnShape {
  data_type: string;
  udt_name: string;
  datetime_precision: number | null;
  is_nullable?: string;
}

function expectedColumn(f: Field): ColumnShape {
  let udt: string;
  let dataType: string;
  let precision: number | null = null;
  if (f.kind === 'enum') {
    [udt, dataType] = [enumDbName(f.type), 'USER-DEFINED'];
  } else if (f.nativeType) {
    const [name, args] = f.nativeType as [string, string[]];
    const known = NATIVE_TYPES[name];
    if (!known) throw new Error(`${f.name}: teach this test the column type of @db.${name}`);
    [udt, dataType] = known;
    if (udt.startsWith('timestamp')) precision = Number(args[0] ?? 6);
    if (udt === 'date') precision = 0;
  } else {
    const known = PRISMA_TYPES[f.type];
    if (!known) throw new Error(`${f.name}: teach this test the column type of ${f.type}`);
    [udt, dataType] = known;
    if (f.type === 'DateTime') precision = 3;
  }
  if (f.isList) return { data_type: 'ARRAY', udt_name: `_${udt}`, datetime_precision: null };
  // Scalar lists are left nullable by Prisma's own migrations; everything else follows `?`.
  return { data_type: dataType, udt_name: udt, datetime_precision: precision, is_nullable: f.isRequired ? 'NO' : 'YES' };
}

let database: TestDatabase;
let client: pg.Client;
const query = async <R extends pg.QueryResultRow>(sql: string) => (await client.query<R>(sql)).rows;

beforeAll(async () => {
  database = await freshDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.close();
});

describe('the migrated database matches schema.prisma', () => {
  it('has exactly one table per model (honouring @@map)', async () => {
    const tables = await query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(datamodel.models.map(tableOf).sort());
  });

  it('has exactly one column per scalar and enum field, of the right type and nullability', async () => {
    const columns = await query<ColumnShape & { table_name: string; column_name: string }>(
      `SELECT table_name, column_name, data_type, udt_name, datetime_precision, is_nullable
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    const actual = Object.fromEntries(
      columns.map(({ table_name, column_name, ...shape }) => [`${table_name}.${column_name}`, shape]),
    );
    const expected: Record<string, ColumnShape> = {};
    for (const m of datamodel.models) {
      for (const f of m.fields.filter((x) => x.kind === 'scalar' || x.kind === 'enum')) {
        expected[`${tableOf(m)}.${f.dbName ?? f.name}`] = expectedColumn(f);
      }
    }
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, shape] of Object.entries(expected)) {
      expect({ column: key, ...actual[key] }).toMatchObject({ column: key, ...shape });
    }
  });

  it('has exactly the enum types and values, in order', async () => {
    const rows = await query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(
      datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]),
    );
    expect(actual).toEqual(expected);
  });

  it('has a matching index for every @id, @unique, @@unique and @@index, and no others', async () => {
    const rows = await query<{ table_name: string; columns: string[]; is_unique: boolean; is_primary: boolean }>(
      `SELECT t.relname AS table_name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
          AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
        GROUP BY i.indexrelid, t.relname, i.indisunique, i.indisprimary`,
    );
    const kind = (unique: boolean, primary: boolean) => (primary ? 'id' : unique ? 'unique' : 'normal');
    const actual = rows.map((r) => `${r.table_name}(${r.columns.join(', ')}) ${kind(r.is_unique, r.is_primary)}`);
    const expected = datamodel.indexes.map((ix) => {
      const m = modelByName(ix.model);
      return `${tableOf(m)}(${ix.fields.map((f) => columnOf(m, f.name)).join(', ')}) ${ix.type}`;
    });
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('has a foreign key for every relation, with Prisma’s referential actions', async () => {
    const rows = await query<{ fk: string }>(
      `SELECT format('%s(%s) -> %s(%s) on delete %s on update %s', t.relname,
                     (SELECT string_agg(attname, ', ' ORDER BY ord) FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
                        JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n),
                     r.relname,
                     (SELECT string_agg(attname, ', ' ORDER BY ord) FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
                        JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n),
                     c.confdeltype, c.confupdtype) AS fk
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = current_schema()`,
    );
    const ACTION: Record<string, string> = { Cascade: 'c', Restrict: 'r', NoAction: 'a', SetNull: 'n', SetDefault: 'd' };
    const expected = datamodel.models.flatMap((m) =>
      m.fields
        .filter((f) => f.relationFromFields?.length)
        .map((f) => {
          const target = modelByName(f.type);
          const cols = f.relationFromFields!.map((x) => columnOf(m, x)).join(', ');
          const refs = f.relationToFields!.map((x) => columnOf(target, x)).join(', ');
          // Prisma's defaults: Restrict for a required relation, SetNull for an optional one; Cascade on update.
          const onDelete = ACTION[f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull')];
          const onUpdate = ACTION[f.relationOnUpdate ?? 'Cascade'];
          return `${tableOf(m)}(${cols}) -> ${tableOf(target)}(${refs}) on delete ${onDelete} on update ${onUpdate}`;
        }),
    );
    expect(rows.map((r) => r.fk).sort()).toEqual(expected.sort());
  });
});
