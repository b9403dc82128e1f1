// A first start on the embedded database loads the migrated template made at install time instead
// of running initdb and every migration; a database that exists is opened as it is, never replaced.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { buildEmbeddedTemplate, embeddedTemplate } from '../../src/db/embedded-template.js';
import { migrate } from '../../src/db/migrate.js';
import { unpackTar } from '../../src/db/tar.js';

const dir = mkdtempSync(path.join(tmpdir(), 'embedded-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => buildEmbeddedTemplate(), 120_000);

async function query(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

function logged() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: { info: (o: unknown) => void lines.push(o as Record<string, unknown>), warn: () => {} } };
}

it('starts a new data folder from the template: migrated already, nothing left to apply', async () => {
  const { lines, log } = logged();
  const db = await startEmbeddedPostgres({ dataDir: dir, log, template: embeddedTemplate });
  try {
    expect(lines[0]).toMatchObject({ from: 'template' });
    expect(await migrate(db.url)).toEqual([]);
    await query(db.url, `INSERT INTO workspaces (id, platform, external_id) VALUES (gen_random_uuid(), 'console', 'kept')`);
  } finally {
    await db.stop();
  }
});

it('opens an existing data folder as it is, with its rows, and does not load the template over it', async () => {
  const { lines, log } = logged();
  const db = await startEmbeddedPostgres({ dataDir: dir, log, template: embeddedTemplate });
  try {
    expect(lines[0]).toMatchObject({ from: 'existing' });
    expect(await query(db.url, `SELECT external_id FROM workspaces`)).toEqual([{ external_id: 'kept' }]);
  } finally {
    await db.stop();
  }
});

it('gives an in-memory database from the template, empty and migrated', async () => {
  const db = await startEmbeddedPostgres({ template: embeddedTemplate });
  try {
    expect(await migrate(db.url)).toEqual([]);
    expect(await query(db.url, `SELECT count(*)::int AS n FROM incidents`)).toEqual([{ n: 0 }]);
  } finally {
    await db.stop();
  }
});

it('starts again from the template when a first start stopped half-way through unpacking it', async () => {
  const half = mkdtempSync(path.join(tmpdir(), 'embedded-half-'));
  try {
    // Unpacked, but without the PG_VERSION written last, and with a control file left torn.
    await unpackTar((await embeddedTemplate())!, half, 'PG_VERSION');
    rmSync(path.join(half, 'PG_VERSION'));
    writeFileSync(path.join(half, 'global', 'pg_control'), 'torn');
    const { lines, log } = logged();
    const db = await startEmbeddedPostgres({ dataDir: half, log, template: embeddedTemplate });
    try {
      expect(lines[0]).toMatchObject({ from: 'template' });
      expect(await query(db.url, `SELECT count(*)::int AS n FROM incidents`)).toEqual([{ n: 0 }]);
    } finally {
      await db.stop();
    }
  } finally {
    rmSync(half, { recursive: true, force: true });
  }
});
