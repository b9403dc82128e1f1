// The timeline is evidence: the database itself must refuse to change or remove an event,
// whatever the application code does.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const WORKSPACE = '00000000-0000-4000-8000-000000000001';
const INCIDENT = '00000000-0000-4000-8000-000000000002';
const EVENT = '00000000-0000-4000-8000-000000000003';

let database: TestDatabase;
let client: pg.Client;

const event = async () => (await client.query('SELECT * FROM timeline_events WHERE id = $1', [EVENT])).rows;

beforeAll(async () => {
  database = await freshDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`INSERT INTO workspaces (id, platform, external_id) VALUES ($1, 'slack', 'T001')`, [WORKSPACE]);
  await client.query(
    `INSERT INTO incidents (id, workspace_id, number, title, severity, declare_key, declared_by, declared_at, updated_at)
     VALUES ($1, $2, 1, 'Signing key exposed', 'SEV1', 'V001', 'U001', now(), now())`,
    [INCIDENT, WORKSPACE],
  );
  await client.query(
    `INSERT INTO timeline_events (id, workspace_id, incident_id, seq, type, actor, data, occurred_at, prev_hash, hash)
     VALUES ($1, $2, $3, 1, 'declared', 'U001', '{"severity":"SEV1"}', now(), '', 'h1')`,
    [EVENT, WORKSPACE, INCIDENT],
  );
});

afterAll(async () => {
  await client?.end();
  await database?.close();
});

describe('timeline_events is append-only', () => {
  it.each([
    ['UPDATE', `UPDATE timeline_events SET type = 'forged' WHERE id = '${EVENT}'`],
    ['DELETE', `DELETE FROM timeline_events WHERE id = '${EVENT}'`],
    ['TRUNCATE', 'TRUNCATE timeline_events'],
  ])('refuses %s and leaves the row as it was', async (op, sql) => {
    const before = await event();
    expect(before).toHaveLength(1);
    await expect(client.query(sql)).rejects.toMatchObject({
      code: '42501',
      message: `timeline_events is append-only: ${op} refused`,
    });
    expect(await event()).toEqual(before);
  });

  it('still accepts new events', async () => {
    await client.query(
      `INSERT INTO timeline_events (workspace_id, incident_id, seq, type, data, occurred_at, prev_hash, hash, id)
       VALUES ($1, $2, 2, 'note', '{}', now(), 'h1', 'h2', gen_random_uuid())`,
      [WORKSPACE, INCIDENT],
    );
    const { rows } = await client.query('SELECT seq FROM timeline_events ORDER BY seq');
    expect(rows).toEqual([{ seq: 1 }, { seq: 2 }]);
  });
});
