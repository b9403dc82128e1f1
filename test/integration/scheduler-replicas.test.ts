// Three scheduler replicas on one database, 200 SEV1 incidents, three cadence cycles: every due
// reminder is posted to (fake) Slack exactly once, and the jobs table records each cycle once.
// Each replica has its own Prisma client (its own connection pool), its own repository and its own
// CadenceService, as separate processes would; they share only the database and a test clock.
//
// On the embedded database (no DATABASE_URL) the replicas share one client instead. PGlite is a
// single session, and its socket server does not keep concurrent connections' transactions apart
// (measured: with three connections running transactions at once, queries fail with "unnamed prepared
// statement does not exist" and then hang). One connection serialises the replicas' statements, so
// there the test checks the claim statement, the lease and the owner check of `complete`; the row
// locks (FOR UPDATE SKIP LOCKED between sessions) are exercised on real PostgreSQL, as in CI.
import { webApi } from '@slack/bolt';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CadenceService } from '../../src/core/cadence/service.js';
import { ESCALATION_JOB, MINUTE, SETUP_JOB, TRIAGE_JOB, UPDATE_JOB } from '../../src/core/cadence/rules.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import type { Workspace } from '../../src/core/incidents/model.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { createDb, type Db } from '../../src/db/client.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { createLogger } from '../../src/log.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { slackJobs } from '../support/slack-jobs.js';
import { TestClock } from '../fakes/clock.js';
import { FakeSlackApi, type Call } from '../fakes/slack-api.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';

const INCIDENTS = 200;
const WORKSPACES = 4;
const REPLICAS = 3;
const ESCALATION_CHANNEL = 'CCOMMANDERS';
const T0 = new Date('2026-03-02T09:00:00.000Z');

let database: TestDatabase;
let slack: FakeSlackApi;
let setupDb: Db;
const replicaDbs: Db[] = [];
const clock = new TestClock(T0);
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
/** roomId -> incident id, for every incident of the test. */
const rooms = new Map<string, string>();
let schedulers: Scheduler[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  slack = await new FakeSlackApi().start();
  setupDb = createDb(database.url, database.poolSize);
  const content = loadContent();
  const incidents = new IncidentService({ repo: new PrismaIncidentRepository(setupDb, TEST_TIMELINE_KEY), clock, ...content });
  const workspaces: Workspace[] = [];
  for (let w = 0; w < WORKSPACES; w++) workspaces.push(await incidents.workspace('slack', `TREPLICA${w}`));
  // Declared over 40 s of test time, so the due times differ and the claim order matters.
  for (let i = 0; i < INCIDENTS; i++) {
    if (i % 10 === 0 && i > 0) clock.advance(2_000);
    const ws = workspaces[i % WORKSPACES]!;
    const { state } = await incidents.declare(ws, `UIC${i}`, `replica-${i}`, 'CGENERAL', { title: `Replica incident ${i}`, severity: 'SEV1' });
    const room = { id: `CROOM${String(i).padStart(3, '0')}`, name: `inc-${state.incident.number}-replica-${i}` };
    await incidents.attachRoom(ws, state.incident.id, room);
    // The channel set-up is complete (as the Slack surface records it): its safety-net job is cancelled.
    await incidents.setupDone(ws, state.incident.id);
    rooms.set(room.id, state.incident.id);
  }
  const shared = process.env.DATABASE_URL ? null : createDb(database.url, database.poolSize);
  if (shared) replicaDbs.push(shared);
  schedulers = Array.from({ length: REPLICAS }, () => {
    let db = shared;
    if (!db) replicaDbs.push((db = createDb(database.url, database.poolSize)));
    const repo = new PrismaIncidentRepository(db, TEST_TIMELINE_KEY);
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, logLevel: webApi.LogLevel.ERROR });
    // Small claim rounds and several posts at once, so the replicas' claims interleave.
    return new Scheduler({ repo, cadence: new CadenceService({ repo, clock, ...content }), poster: slackJobs(repo, clock, client, ESCALATION_CHANNEL), clock, log, batch: 7, concurrency: 4 });
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(replicaDbs.map((db) => db.$disconnect()));
  await setupDb?.$disconnect();
  await slack?.stop();
  await database?.close();
});

/** All replicas tick at once, twice each (a slow tick overlapping the next one), for a few rounds. */
async function tickAllReplicas(rounds = 3): Promise<number[]> {
  const handled: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const counts = await Promise.all(schedulers.flatMap((s) => [s.tick(), s.tick()]));
    handled.push(counts.reduce((a, b) => a + b, 0));
  }
  return handled;
}

type Post = { incidentId: string; kind: 'update' | 'triage'; text: string };

function roomPosts(calls: Call[]): Post[] {
  return calls
    .filter((c) => c.method === 'chat.postMessage' && c.body.channel !== ESCALATION_CHANNEL)
    .map((c) => {
      const incidentId = rooms.get(String(c.body.channel));
      if (!incidentId) throw new Error(`a post to an unknown channel ${String(c.body.channel)}`);
      const text = String(c.body.text);
      return { incidentId, kind: text.includes('status update') ? 'update' : 'triage', text };
    });
}

/** How many posts each incident got, by kind. */
function perIncident(posts: Post[], kind: Post['kind']): Map<string, number> {
  const counts = new Map<string, number>([...rooms.values()].map((id) => [id, 0]));
  for (const p of posts) if (p.kind === kind) counts.set(p.incidentId, (counts.get(p.incidentId) ?? 0) + 1);
  return counts;
}

const histogram = (counts: Map<string, number>) => {
  const h: Record<number, number> = {};
  for (const n of counts.values()) h[n] = (h[n] ?? 0) + 1;
  return h;
};

async function jobRows() {
  return setupDb.job.findMany({ select: { incidentId: true, kind: true, dueAt: true, doneAt: true, outcome: true, attempts: true, leaseOwner: true } });
}

it('posts each due reminder exactly once across 3 replicas, cycle after cycle', async () => {
  // Nothing is due yet: a tick by every replica posts nothing.
  expect((await tickAllReplicas(1))[0]).toBe(0);
  expect(slack.called('chat.postMessage')).toHaveLength(0);

  // Cycle 1, 16 minutes after the first declaration: the §5 triage reminder (due at +10 min) and the
  // first update reminder (due at +15 min) of every incident are both due.
  clock.advance(16 * MINUTE - 40_000);
  let seen = 0;
  const handled1 = await tickAllReplicas();
  const cycle1 = roomPosts(slack.calls.slice(seen));
  seen = slack.calls.length;
  expect(handled1).toEqual([2 * INCIDENTS, 0, 0]);
  expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2 * INCIDENTS);
  expect(histogram(perIncident(cycle1, 'triage'))).toEqual({ 1: INCIDENTS });
  expect(histogram(perIncident(cycle1, 'update'))).toEqual({ 1: INCIDENTS });
  expect(cycle1.filter((p) => p.kind === 'update').every((p) => !p.text.includes('in a row'))).toBe(true);

  let jobs = await jobRows();
  expect(jobs.filter((j) => j.kind === TRIAGE_JOB && j.outcome === 'posted')).toHaveLength(INCIDENTS);
  expect(jobs.filter((j) => j.kind === TRIAGE_JOB && j.doneAt === null)).toHaveLength(0);
  expect(jobs.filter((j) => j.kind === SETUP_JOB).every((j) => j.outcome === 'superseded')).toBe(true);
  // Every job was claimed once: no replica took over another's claim.
  expect(jobs.filter((j) => j.outcome === 'posted').every((j) => j.attempts === 1)).toBe(true);

  // Cycles 2 and 3, 15 minutes apart; the third reminder in a row escalates: the room reminder
  // schedules an escalation job, which posts to the commanders' channel (in the same tick or the next
  // round, whichever replica claims it).
  for (const cycle of [2, 3]) {
    clock.advance(15 * MINUTE);
    const handled = await tickAllReplicas();
    const calls = slack.calls.slice(seen);
    seen = slack.calls.length;
    const posts = roomPosts(calls);
    expect(handled.reduce((a, b) => a + b, 0)).toBe(cycle === 3 ? 2 * INCIDENTS : INCIDENTS);
    expect(handled.at(-1)).toBe(0);
    expect(posts.filter((p) => p.kind === 'triage')).toHaveLength(0);
    expect(histogram(perIncident(posts, 'update'))).toEqual({ 1: INCIDENTS });
    expect(posts.every((p) => p.text.includes(`This is reminder ${cycle} in a row.`))).toBe(true);
    const escalations = calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === ESCALATION_CHANNEL);
    if (cycle === 2) expect(escalations).toHaveLength(0);
    else {
      // One escalation per incident, naming its own channel.
      const named = escalations.map((c) => /<#(C[A-Z0-9]+)>/.exec(String(c.body.text))?.[1]);
      expect(new Set(named).size).toBe(INCIDENTS);
      expect(named.every((r) => r !== undefined && rooms.has(r))).toBe(true);
      expect(escalations).toHaveLength(INCIDENTS);
    }
  }

  const escalationJobs = (await jobRows()).filter((j) => j.kind === ESCALATION_JOB);
  expect(escalationJobs).toHaveLength(INCIDENTS);
  expect(escalationJobs.every((j) => j.outcome === 'posted')).toBe(true);
  expect(new Set(escalationJobs.map((j) => j.incidentId)).size).toBe(INCIDENTS);

  // The jobs table: per incident, one posted update job per cycle (on the 15-minute grid from its
  // declaration) and exactly one pending next job, 15 minutes after the last.
  jobs = await jobRows();
  const byIncident = new Map<string, typeof jobs>();
  for (const j of jobs.filter((j) => j.kind === UPDATE_JOB)) byIncident.set(j.incidentId, [...(byIncident.get(j.incidentId) ?? []), j]);
  expect(byIncident.size).toBe(INCIDENTS);
  for (const [, list] of byIncident) {
    const posted = list.filter((j) => j.outcome === 'posted').sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    const pending = list.filter((j) => j.doneAt === null);
    expect(posted).toHaveLength(3);
    expect(pending).toHaveLength(1);
    expect(list).toHaveLength(4);
    const first = posted[0]!.dueAt.getTime();
    expect(posted.map((j) => j.dueAt.getTime() - first)).toEqual([0, 15 * MINUTE, 30 * MINUTE]);
    expect(pending[0]!.dueAt.getTime() - first).toBe(45 * MINUTE);
    expect(pending[0]!.leaseOwner).toBeNull();
  }
  expect(jobs.filter((j) => j.outcome === 'posted').every((j) => j.attempts === 1)).toBe(true);

  // The timeline records each missed update once per incident and cycle.
  const missed = await setupDb.timelineEvent.groupBy({ by: ['type'], where: { type: { startsWith: 'update.missed' } }, _count: { _all: true } });
  expect(Object.fromEntries(missed.map((m) => [m.type, m._count._all]))).toEqual({ 'update.missed': 2 * INCIDENTS, 'update.missed.escalated': INCIDENTS });

  // The work was shared: every replica posted some of it (a replica that did all of it would prove nothing).
  const owners = await setupDb.job.groupBy({ by: ['leaseOwner'], where: { doneAt: { not: null }, outcome: 'posted' }, _count: { _all: true } });
  const byOwner = new Map(owners.map((o) => [o.leaseOwner, o._count._all]));
  for (const s of schedulers) expect(byOwner.get(s.owner) ?? 0).toBeGreaterThan(0);
}, 240_000);

it('after an hour of downtime posts one overdue reminder per incident, not one per missed interval', async () => {
  const before = slack.calls.length;
  clock.advance(60 * MINUTE);
  const handled = await tickAllReplicas();
  // One room reminder and, the run of misses going on, one escalation per incident.
  expect(handled.reduce((a, b) => a + b, 0)).toBe(2 * INCIDENTS);
  expect(handled.at(-1)).toBe(0);
  const posts = roomPosts(slack.calls.slice(before));
  expect(histogram(perIncident(posts, 'update'))).toEqual({ 1: INCIDENTS });
  const pending = await setupDb.job.findMany({ where: { kind: UPDATE_JOB, doneAt: null }, select: { dueAt: true } });
  expect(pending).toHaveLength(INCIDENTS);
  // The next reminder stays on the incident's grid and lies in the future.
  expect(pending.every((j) => j.dueAt > clock.now() && j.dueAt.getTime() - clock.now().getTime() <= 15 * MINUTE)).toBe(true);
}, 120_000);

// A replica whose lease ran out while it posted must not record its completion when another replica
// took the job over in between, even while its record is already on its way: the lease is checked
// under the incident's lock, when the record holds it. Sessions racing need real PostgreSQL (CI has
// one); the embedded database runs one connection per client and cannot race.
it.runIf(Boolean(process.env.DATABASE_URL))('a completion racing a takeover of its expired lease records once', async () => {
  const content = loadContent();
  // A day before the replicas' incidents, so that only this incident's jobs are due.
  const raceClock = new TestClock(new Date(T0.getTime() - 24 * 60 * MINUTE));
  const dbA = createDb(database.url, 2);
  const dbB = createDb(database.url, 2);
  try {
    const incidents = new IncidentService({ repo: new PrismaIncidentRepository(dbA, TEST_TIMELINE_KEY), clock: raceClock, ...content });
    const ws = await incidents.workspace('slack', 'TRACE');
    const { state } = await incidents.declare(ws, 'UIC', 'race', null, { title: 'Lease race', severity: 'SEV1' });
    await incidents.attachRoom(ws, state.incident.id, { id: 'CRACE', name: 'inc-1-lease-race' });
    await incidents.setupDone(ws, state.incident.id);
    raceClock.advance(15 * MINUTE + 1_000);

    const repoA = new PrismaIncidentRepository(dbA, TEST_TIMELINE_KEY);
    const repoB = new PrismaIncidentRepository(dbB, TEST_TIMELINE_KEY);
    const cadenceA = new CadenceService({ repo: repoA, clock: raceClock, ...content });
    const cadenceB = new CadenceService({ repo: repoB, clock: raceClock, ...content });
    const lease = () => new Date(raceClock.now().getTime() + 60_000);

    const jobA = (await repoA.claimDue(raceClock.now(), 'replica-A', lease(), 10)).find((j) => j.kind === UPDATE_JOB)!;
    // A posted slowly (Slack retrying, say): its lease has expired when it records.
    raceClock.advance(61_000);
    const planA = cadenceA.plan((await repoA.findById(ws, state.incident.id))!, jobA, raceClock.now());
    // A third session holds the incident's row lock, so A's record waits at its first lock, with the
    // job's lease not yet checked; B takes the expired lease over meanwhile.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM incidents WHERE id = $1 FOR UPDATE', [state.incident.id]);
    const recordA = cadenceA.complete(ws, jobA, 'replica-A', planA);
    while ((await holder.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype IN ('tuple', 'transactionid')`)).rowCount === 0) await new Promise((r) => setTimeout(r, 10));
    const claimedB = (await repoB.claimDue(raceClock.now(), 'replica-B', lease(), 10)).filter((j) => j.kind === UPDATE_JOB);
    expect(claimedB.map((j) => j.id)).toEqual([jobA.id]);
    await holder.query('COMMIT');
    await holder.end();
    // A's lease is gone by the time it holds the lock: its record is refused, and B's is the one.
    expect(await recordA).toBe(false);
    for (const job of claimedB) {
      await cadenceB.complete(ws, job, 'replica-B', cadenceB.plan((await repoB.findById(ws, state.incident.id))!, job, raceClock.now()));
    }

    // One reminder cycle recorded once: one next reminder, one missed update in the timeline.
    const pending = await dbB.job.count({ where: { incidentId: state.incident.id, kind: UPDATE_JOB, doneAt: null } });
    const missed = await dbB.timelineEvent.count({ where: { incidentId: state.incident.id, type: { startsWith: 'update.missed' } } });
    expect({ pending, missed }).toEqual({ pending: 1, missed: 1 });
  } finally {
    await dbA.$disconnect();
    await dbB.$disconnect();
  }
}, 60_000);
