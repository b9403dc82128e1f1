// `npm run timeline:verify` on a real database: an intact chain passes; a row edited behind the
// trigger's back (as a superuser could) is named as the first broken link.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import { hashEvent } from '../../src/core/timeline/chain.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { createDb, type Db } from '../../src/db/client.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';

const run = promisify(execFile);
let database: TestDatabase;
let db: Db;
let incidentId = '';

async function verify(...args: string[]) {
  try {
    const { stdout } = await run('npx', ['tsx', 'src/cli/timeline-verify.ts', ...args], { env: { ...process.env, DATABASE_URL: database.url, TIMELINE_KEY: TEST_TIMELINE_KEY } });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

beforeAll(async () => {
  database = await freshDatabase();
  db = createDb(database.url, database.poolSize);
  const service = new IncidentService({ repo: new PrismaIncidentRepository(db, TEST_TIMELINE_KEY), clock: { now: () => new Date() }, ...loadContent() });
  const ws = await service.workspace('slack', 'TVERIFY');
  const { state } = await service.declare(ws, 'UA', 'K1', null, { title: 'Chain test', severity: 'SEV2' });
  incidentId = state.incident.id;
  await service.attachRoom(ws, incidentId, { id: 'CROOM', name: 'inc-1-chain-test' });
  await service.changeSeverity(ws, incidentId, 'UA', 'SEV1', 'worse');
});
afterAll(async () => {
  await db.$disconnect();
  await database.close();
});

it('reports an intact chain, found by id or by workspace and number', async () => {
  const byId = await verify(incidentId);
  expect(byId).toMatchObject({ code: 0 });
  expect(byId.out).toContain('OK: 5 events, chain intact');
  expect((await verify('TVERIFY', '1')).code).toBe(0);
});

it('names the first broken link after a row is edited around the trigger', async () => {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('ALTER TABLE timeline_events DISABLE TRIGGER timeline_events_append_only');
    await client.query(`UPDATE timeline_events SET data = '{"role":"ic","userId":"UEVIL","previous":null}' WHERE incident_id = $1 AND seq = 2`, [incidentId]);
    await client.query('ALTER TABLE timeline_events ENABLE TRIGGER timeline_events_append_only');
  } finally {
    await client.end();
  }
  const res = await verify(incidentId);
  expect(res.code).toBe(1);
  expect(res.out).toContain('BROKEN at event #2: its content does not match its hash');
});

it('notices events cut off the end of the timeline', async () => {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('ALTER TABLE timeline_events DISABLE TRIGGER timeline_events_append_only');
    await client.query('DELETE FROM timeline_events WHERE incident_id = $1 AND seq = 5', [incidentId]);
    await client.query('ALTER TABLE timeline_events ENABLE TRIGGER timeline_events_append_only');
  } finally {
    await client.end();
  }
  const res = await verify('TVERIFY', '1');
  expect(res.code).toBe(1);
  // Event #2 was already altered by the test above; the verdict names the first break it meets.
  expect(res.out).toContain('BROKEN at event #2');
});

it('answers usage for bad arguments and "no incident" for an unknown one', async () => {
  expect(await verify()).toMatchObject({ code: 2 });
  const unknown = await verify('TVERIFY', '99');
  expect(unknown.code).toBe(2);
  expect(unknown.out).toContain('No incident matches TVERIFY 99');
});

it('finds an event rewritten with every later hash and the head recomputed by someone without the key', async () => {
  const service = new IncidentService({ repo: new PrismaIncidentRepository(db, TEST_TIMELINE_KEY), clock: { now: () => new Date() }, ...loadContent() });
  const ws = await service.workspace('slack', 'TVERIFY');
  const { state } = await service.declare(ws, 'UA', 'K2', null, { title: 'Rewritten', severity: 'SEV2' });
  await service.changeSeverity(ws, state.incident.id, 'UA', 'SEV1', 'worse');
  expect((await verify(state.incident.id)).code).toBe(0);

  // Everything a database writer can do: new data, every hash after it redone (plain SHA-256), the head moved.
  const events = await new PrismaIncidentRepository(db, TEST_TIMELINE_KEY).timeline(ws, state.incident.id);
  const last = events.at(-1)!;
  const forged = { ...last, data: { from: 'SEV2', to: 'SEV3', reason: 'better' } };
  forged.hash = hashEvent(forged.prevHash, forged, null);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('ALTER TABLE timeline_events DISABLE TRIGGER timeline_events_append_only');
    await client.query('UPDATE timeline_events SET data = $3, hash = $4 WHERE incident_id = $1 AND seq = $2', [state.incident.id, last.seq, forged.data, forged.hash]);
    await client.query('ALTER TABLE timeline_events ENABLE TRIGGER timeline_events_append_only');
    await client.query('UPDATE incidents SET timeline_head = $2 WHERE id = $1', [state.incident.id, forged.hash]);
  } finally {
    await client.end();
  }
  const res = await verify(state.incident.id);
  expect(res.code).toBe(1);
  expect(res.out).toContain(`BROKEN at event #${last.seq}: its content does not match its hash`);
});
