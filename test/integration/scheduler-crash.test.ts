// A scheduler process is killed (SIGKILL) in the middle of a run, with posts in flight; a fresh
// process started afterwards takes the dead one's claims over once their lease has expired.
//
// The child (test/support/scheduler-process.ts) posts through the real slackReminderPoster and
// WebClient to a gate in this process that stands in front of the fake Slack Web API. The gate lets
// the first posts through, then holds every further request, so that the kill finds the child's
// posts in flight. Where the gate holds them decides what the right outcome is:
//
// 1. Held BEFORE Slack saw them (the request never reached the fake): Slack never accepted those
//    posts, the dead process never recorded them, and the next owner posts them. Every reminder is
//    posted exactly once: none lost, none doubled.
//
// 2. Held AFTER Slack accepted them (the fake answered, the answer is kept from the child): this is
//    the window that no scheduler can close, since Slack's chat.postMessage takes no idempotency key. A
//    process that dies after Slack accepted a post and before its outcome commits leaves the job
//    unrecorded, and the next owner posts it again: delivery is at least once. The window is as wide
//    as the posts in flight at the moment of death (at most `concurrency` posts, each for the time
//    between Slack's answer and the commit of `complete`, a few milliseconds). The second test
//    measures it: exactly the posts accepted-but-unrecorded at the kill are doubled, nothing else.
//
// The parent never queries the database while a child runs: the child reports its posts and commits
// over IPC (the embedded database cannot serve two clients' transactions at once).
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { MINUTE, TRIAGE_JOB, UPDATE_JOB } from '../../src/core/cadence/rules.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { createDb, type Db } from '../../src/db/client.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import type { ChildMessage } from '../support/scheduler-process.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';

const INCIDENTS = 30;
/** Posts that Slack answers before the gate starts holding. */
const LET_THROUGH = 10;
const CONCURRENCY = 4;
/**
 * Short, but well beyond a process start (about 1.5 s, over 5 s on a loaded machine), so the new
 * process meets live leases.
 */
const LEASE_MS = 10_000;
const CHILD = fileURLToPath(new URL('../support/scheduler-process.ts', import.meta.url));

type Held = { channel: string; text: string; res: http.ServerResponse };

/** Stands between the child and the fake Slack API; past an allowance it holds posts (other calls, such
 * as the history lookup made before a keyed post is retried, always go through). */
class SlackGate {
  private server = http.createServer((req, res) => void this.handle(req, res));
  private arrived = 0;
  private allowance = Infinity;
  private where: 'before-slack' | 'after-slack' = 'before-slack';
  readonly held: Held[] = [];
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers the next `n` requests, then holds the rest, before or after forwarding them to Slack. */
  holdAfter(n: number, where: 'before-slack' | 'after-slack') {
    this.arrived = 0;
    this.allowance = n;
    this.where = where;
  }

  /** Drops what is held (its requester is dead) and lets everything through from now on. */
  open() {
    for (const h of this.held.splice(0)) h.res.destroy();
    this.allowance = Infinity;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const isPost = req.url?.endsWith('/chat.postMessage') ?? false;
    const hold = isPost && this.arrived++ >= this.allowance;
    const form = new URLSearchParams(raw);
    const held: Held = { channel: form.get('channel') ?? '', text: form.get('text') ?? '', res };
    if (hold && this.where === 'before-slack') {
      this.held.push(held);
      return;
    }
    const answer = await fetch(`${this.target}${req.url}`, { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: raw });
    const body = await answer.text();
    if (hold) {
      this.held.push(held);
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
  }
}

/** A forked scheduler process and what it has told us. */
class SchedulerChild {
  readonly messages: ChildMessage[] = [];
  owner = '';
  private exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: ChildMessage) => {
      this.messages.push(m);
      if (m.type === 'ready') this.owner = m.owner;
    });
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  static async start(env: Record<string, string>): Promise<SchedulerChild> {
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TICK_SECONDS: '1', LEASE_MS: String(LEASE_MS), BATCH: '10', CONCURRENCY: String(CONCURRENCY), ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const c = new SchedulerChild(child);
    running.add(c);
    await waitFor(() => c.owner !== '', 30_000, 'the scheduler process to start');
    return c;
  }

  completed() {
    return this.messages.filter((m): m is Extract<ChildMessage, { type: 'completed' }> => m.type === 'completed');
  }

  postings() {
    return this.messages.filter((m): m is Extract<ChildMessage, { type: 'posting' }> => m.type === 'posting');
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
    running.delete(this);
  }

  async stop(): Promise<void> {
    this.child.send('stop');
    await this.exited;
    running.delete(this);
  }
}

const running = new Set<SchedulerChild>();
afterEach(async () => {
  // Only the processes this file started, by their own handle.
  await Promise.all([...running].map((c) => c.kill()));
});

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Setup = { database: TestDatabase; db: Db; slack: FakeSlackApi; gate: SlackGate; rooms: Map<string, string>; dueJobs: Set<string>; close(): Promise<void> };

/**
 * INCIDENTS SEV1 incidents declared 16 minutes ago (real time), with their channels: each has its
 * triage reminder (due 6 minutes ago) and its first update reminder (due a minute ago) due now.
 */
async function setUp(): Promise<Setup> {
  const database = await freshDatabase();
  const slack = await new FakeSlackApi().start();
  const gate = await new SlackGate(slack.url).start();
  const db = createDb(database.url, database.poolSize);
  const declaredAt = Date.now() - 16 * MINUTE;
  let n = 0;
  const incidents = new IncidentService({ repo: new PrismaIncidentRepository(db, TEST_TIMELINE_KEY), clock: { now: () => new Date(declaredAt + 100 * n) }, ...loadContent() });
  const rooms = new Map<string, string>();
  for (const team of ['TCRASH1', 'TCRASH2']) {
    const ws = await incidents.workspace('slack', team);
    for (let i = 0; i < INCIDENTS / 2; i++, n++) {
      const { state } = await incidents.declare(ws, `UIC${n}`, `crash-${n}`, 'CGENERAL', { title: `Crash incident ${n}`, severity: 'SEV1' });
      const room = { id: `CCRASH${String(n).padStart(3, '0')}`, name: `inc-${state.incident.number}-crash-${n}` };
      await incidents.attachRoom(ws, state.incident.id, room);
      await incidents.setupDone(ws, state.incident.id);
      rooms.set(room.id, state.incident.id);
    }
  }
  const due = await db.job.findMany({ where: { doneAt: null, dueAt: { lte: new Date() } }, select: { id: true, kind: true } });
  expect(due.filter((j) => j.kind === TRIAGE_JOB)).toHaveLength(INCIDENTS);
  expect(due.filter((j) => j.kind === UPDATE_JOB)).toHaveLength(INCIDENTS);
  expect(due).toHaveLength(2 * INCIDENTS);
  return {
    database,
    db,
    slack,
    gate,
    rooms,
    dueJobs: new Set(due.map((j) => j.id)),
    async close() {
      await db.$disconnect();
      await gate.stop();
      await slack.stop();
      await database.close();
    },
  };
}

const kindOf = (text: string) => (text.includes('status update') ? UPDATE_JOB : TRIAGE_JOB);

/** Slack's posts per (incident, job kind). */
function postsPerReminder(s: Setup): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of s.rooms.values()) for (const k of [TRIAGE_JOB, UPDATE_JOB]) counts.set(`${id} ${k}`, 0);
  for (const c of s.slack.called('chat.postMessage')) {
    const id = s.rooms.get(String(c.body.channel));
    if (!id) throw new Error(`a post to an unknown channel ${String(c.body.channel)}`);
    const key = `${id} ${kindOf(String(c.body.text))}`;
    counts.set(key, counts.get(key)! + 1);
  }
  return counts;
}

/** Kills a scheduler mid-run, restarts another, and returns what happened around the kill. */
async function crashAndRecover(s: Setup, where: 'before-slack' | 'after-slack') {
  const env = { DATABASE_URL: s.database.url, DB_POOL_SIZE: String(s.database.poolSize), SLACK_API_URL: `${s.gate.url}/api/` };
  s.gate.holdAfter(LET_THROUGH, where);
  const first = await SchedulerChild.start(env);
  // Every worker of the first process is stuck on a held post, and every post Slack answered has
  // been committed: the kill finds exactly CONCURRENCY posts in flight.
  await waitFor(() => s.gate.held.length === CONCURRENCY && first.completed().length === LET_THROUGH, 30_000, 'posts in flight');
  await first.kill();
  const heldAtKill = s.gate.held.map((h) => `${s.rooms.get(h.channel)} ${kindOf(h.text)}`);
  const acceptedAtKill = s.slack.called('chat.postMessage').length;
  s.gate.open();

  // What the dead process left behind: its claims, leased until their lease runs out.
  const orphans = await s.db.job.findMany({ where: { leaseOwner: first.owner, doneAt: null }, select: { id: true, incidentId: true, kind: true, leaseUntil: true } });
  const recordedByFirst = await s.db.job.count({ where: { leaseOwner: first.owner, doneAt: { not: null } } });

  const second = await SchedulerChild.start(env);
  const completedJobs = () => new Set([...first.completed(), ...second.completed()].filter((c) => c.recorded).map((c) => c.jobId));
  await waitFor(() => [...s.dueJobs].every((id) => completedJobs().has(id)), 30_000, 'every due reminder to be recorded');
  await second.stop();
  return { first, second, heldAtKill, acceptedAtKill, orphans, recordedByFirst };
}

/** Checks made in both cases: nothing lost, each outcome recorded once, the cadence goes on. */
async function expectRecoveredOnce(s: Setup, r: Awaited<ReturnType<typeof crashAndRecover>>) {
  // The dead process held claims: the posts in flight and the claimed jobs not started yet.
  expect(r.orphans.length).toBeGreaterThanOrEqual(CONCURRENCY);
  const orphanKeys = new Set(r.orphans.map((o) => `${o.incidentId} ${o.kind}`));
  for (const k of r.heldAtKill) expect(orphanKeys.has(k)).toBe(true);
  expect(r.recordedByFirst).toBe(LET_THROUGH);

  // The new process left them alone until their lease had expired, then took them over.
  const leaseEnd = new Map(r.orphans.map((o) => [`${o.incidentId} ${o.kind}`, o.leaseUntil!.getTime()]));
  const takeovers = r.second.postings().filter((p) => leaseEnd.has(`${p.incidentId} ${p.kind === 'update' ? UPDATE_JOB : TRIAGE_JOB}`));
  expect(takeovers).toHaveLength(r.orphans.length);
  for (const p of takeovers) expect(p.at).toBeGreaterThanOrEqual(leaseEnd.get(`${p.incidentId} ${p.kind === 'update' ? UPDATE_JOB : TRIAGE_JOB}`)!);
  // Meanwhile it was not idle: it posted the due reminders nobody had claimed, passing over the leased ones.
  const firstLeaseEnd = Math.min(...leaseEnd.values());
  expect(r.second.postings().filter((p) => p.at < firstLeaseEnd).length).toBeGreaterThan(0);

  // Every due job is done and posted, recorded by exactly one process.
  const jobs = await s.db.job.findMany({ where: { id: { in: [...s.dueJobs] } }, select: { id: true, outcome: true, attempts: true, leaseOwner: true } });
  expect(jobs.every((j) => j.outcome === 'posted')).toBe(true);
  const orphanIds = new Set(r.orphans.map((o) => o.id));
  for (const j of jobs) {
    expect(j.attempts).toBe(orphanIds.has(j.id) ? 2 : 1);
    if (orphanIds.has(j.id)) expect(j.leaseOwner).toBe(r.second.owner);
    else expect([r.first.owner, r.second.owner]).toContain(j.leaseOwner);
  }
  expect([...r.first.completed(), ...r.second.completed()].filter((c) => c.recorded)).toHaveLength(2 * INCIDENTS);

  // The timeline records each reminder once, and each incident has exactly one next reminder, in the future.
  const events = await s.db.timelineEvent.groupBy({ by: ['incidentId', 'type'], where: { type: { in: ['update.missed', 'triage.reminder'] } }, _count: { _all: true } });
  expect(events).toHaveLength(2 * INCIDENTS);
  expect(events.every((e) => e._count._all === 1)).toBe(true);
  const pending = await s.db.job.findMany({ where: { kind: UPDATE_JOB, doneAt: null }, select: { incidentId: true, dueAt: true } });
  expect(new Set(pending.map((p) => p.incidentId)).size).toBe(INCIDENTS);
  expect(pending).toHaveLength(INCIDENTS);
  expect(pending.every((p) => p.dueAt.getTime() > Date.now())).toBe(true);
}

it('a process killed with posts in flight, before Slack answered: every reminder is posted exactly once', async () => {
  const s = await setUp();
  try {
    const r = await crashAndRecover(s, 'before-slack');
    // At the kill Slack had accepted only the posts it answered, all of them recorded.
    expect(r.acceptedAtKill).toBe(LET_THROUGH);
    expect(r.heldAtKill).toHaveLength(CONCURRENCY);
    const counts = [...postsPerReminder(s).values()];
    expect(counts).toHaveLength(2 * INCIDENTS);
    expect(counts.every((n) => n === 1)).toBe(true);
    await expectRecoveredOnce(s, r);
  } finally {
    await s.close();
  }
}, 120_000);

it('a process killed after Slack accepted posts but before recording them: the next process finds them, and posts none twice', async () => {
  const s = await setUp();
  try {
    const r = await crashAndRecover(s, 'after-slack');
    // At the kill Slack had accepted the answered posts and the held ones; only the answered ones were recorded.
    expect(r.acceptedAtKill).toBe(LET_THROUGH + CONCURRENCY);
    // Each post carries its key as message metadata: the process taking the jobs over finds the ones
    // Slack accepted in the channel's history instead of posting them again.
    const counts = [...postsPerReminder(s).values()];
    expect(counts).toHaveLength(2 * INCIDENTS);
    expect(counts.every((n) => n === 1)).toBe(true);
    await expectRecoveredOnce(s, r);
  } finally {
    await s.close();
  }
}, 120_000);
