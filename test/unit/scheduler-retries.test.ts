// A job that keeps failing (Slack refusing with not_in_channel, say) is tried a bounded number of
// times with a growing wait, then ends dead: recorded in the timeline, counted in /metrics, and never
// tried again. The scheduler ticks on a plain interval of the configured seconds.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ESCALATION_JOB, MINUTE, UPDATE_JOB } from '../../src/core/cadence/rules.js';
import type { CadenceService } from '../../src/core/cadence/service.js';
import type { IncidentService } from '../../src/core/incidents/service.js';
import type { IncidentState, Workspace } from '../../src/core/incidents/model.js';
import type { ReminderView } from '../../src/core/views/cadence.js';
import type { IncidentRepository } from '../../src/core/ports.js';
import { createLogger } from '../../src/log.js';
import { registry } from '../../src/metrics.js';
import { Scheduler, type ReminderPoster } from '../../src/scheduler/scheduler.js';
import type { TestClock } from '../fakes/clock.js';
import type { MemoryIncidentRepository } from '../fakes/memory-repository.js';
import { coreFixture } from '../support/core.js';

const START = new Date('2026-03-02T09:00:00.000Z');
const log = createLogger('silent');
const RETRY = { maxAttempts: 3, firstDelayMs: 30_000, maxDelayMs: 15 * MINUTE };

/** Slack refuses every update reminder, as it does in a channel the bot was removed from. */
class RefusingPoster implements ReminderPoster {
  attempts = 0;
  readonly firstTries: boolean[] = [];
  async post(_ws: Workspace, _s: IncidentState, view: ReminderView, _jobId: string, firstTry: boolean): Promise<void> {
    if (view.kind !== 'update') return;
    this.attempts += 1;
    this.firstTries.push(firstTry);
    throw new Error('An API error occurred: not_in_channel');
  }
}

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const found = metric.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return found?.value ?? 0;
}

let repo: MemoryIncidentRepository;
let clock: TestClock;
let cadence: CadenceService;
let incidents: IncidentService;
let ws: Workspace;

beforeEach(async () => {
  ({ repo, clock, cadence, incidents, ws } = await coreFixture(START));
});

async function declared(): Promise<IncidentState> {
  const { state } = await incidents.declare(ws, 'U_IC', 'V_1', 'C_GENERAL', {
    title: 'Activation failing',
    severity: 'SEV1',
    areas: ['distribution_activation'],
    tenants: ['acme'],
    channels: [],
    environments: [],
  });
  await incidents.attachRoom(ws, state.incident.id, { id: 'C_INC1', name: 'inc-1' });
  return (await incidents.setupDone(ws, state.incident.id)).state;
}

describe('a job that keeps failing', () => {
  it('is retried with a doubling wait, then goes dead: in the timeline, in the metric, and never again', async () => {
    const s = await declared();
    const poster = new RefusingPoster();
    const scheduler = new Scheduler({ repo, cadence, poster, clock, log, retry: RETRY });
    const deadBefore = await metricValue('incident_bot_jobs_dead_total', { kind: UPDATE_JOB });
    const update = () => repo.jobRows.find((j) => j.incidentId === s.incident.id && j.kind === UPDATE_JOB)!;

    clock.advance(15 * MINUTE); // the SEV1 update reminder is due
    await scheduler.tick();
    expect(poster.attempts).toBe(1);
    expect(update()).toMatchObject({ doneAt: null, leaseOwner: null, lastError: 'An API error occurred: not_in_channel' });

    // Waiting out the first backoff (30 s): nothing is tried before it ends.
    clock.advance(29_000);
    await scheduler.tick();
    expect(poster.attempts).toBe(1);
    clock.advance(1_001);
    await scheduler.tick();
    expect(poster.attempts).toBe(2);

    // The second wait is twice as long.
    clock.advance(59_000);
    await scheduler.tick();
    expect(poster.attempts).toBe(2);
    clock.advance(1_001);
    await scheduler.tick();
    expect(poster.attempts).toBe(3);

    expect(update()).toMatchObject({ outcome: 'dead', attempts: 3, lastError: 'An API error occurred: not_in_channel' });
    // Only the first attempt may skip looking for an earlier copy of its post.
    expect(poster.firstTries).toEqual([true, false, false]);
    expect(update().doneAt).not.toBeNull();
    const dead = (await repo.timeline(ws, s.incident.id)).filter((e) => e.type === 'job.dead');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.data).toMatchObject({ jobId: update().id, kind: UPDATE_JOB, attempts: 3, error: 'An API error occurred: not_in_channel' });
    expect(await metricValue('incident_bot_jobs_dead_total', { kind: UPDATE_JOB })).toBe(deadBefore + 1);

    clock.advance(60 * MINUTE);
    await scheduler.tick();
    expect(poster.attempts).toBe(3);
  });

  it('tells the application layer once its death is recorded', async () => {
    const s = await declared();
    const told: string[] = [];
    const scheduler = new Scheduler({
      repo, cadence, poster: new RefusingPoster(), clock, log, retry: { ...RETRY, maxAttempts: 1 },
      onDead: async (job, state, error) => void told.push(`${job.kind} ${state?.incident.id} ${error}`),
    });
    clock.advance(15 * MINUTE);
    await scheduler.tick();
    expect(told).toEqual([`${UPDATE_JOB} ${s.incident.id} An API error occurred: not_in_channel`]);
  });

  it('goes dead when its claims keep ending without an outcome (its process dies on it)', async () => {
    const s = await declared();
    const poster = new RefusingPoster();
    clock.advance(15 * MINUTE);
    // Three processes claimed it and died: each lease expired with nothing recorded.
    for (let i = 0; i < RETRY.maxAttempts; i++) {
      await repo.claimDue(clock.now(), `dead-process-${i}`, new Date(clock.now().getTime() + 1000), 10);
      clock.advance(1001);
    }
    const takeoversBefore = await metricValue('incident_bot_lease_takeovers_total', { kind: UPDATE_JOB });
    await new Scheduler({ repo, cadence, poster, clock, log, retry: RETRY }).tick();
    expect(poster.attempts).toBe(0);
    expect(repo.jobRows.find((j) => j.incidentId === s.incident.id && j.kind === UPDATE_JOB)).toMatchObject({ outcome: 'dead' });
    expect(await metricValue('incident_bot_lease_takeovers_total', { kind: UPDATE_JOB })).toBe(takeoversBefore + 1);
  });
});

describe('an escalation of a resolved incident', () => {
  it('is obsolete: it posts nothing and ends', async () => {
    const s = await declared();
    const resolved = { ...s, incident: { ...s.incident, status: 'resolved' as const } };
    const job = { id: 'j1', ws, incidentId: s.incident.id, kind: ESCALATION_JOB, dueAt: clock.now(), data: { missed: 3 } };
    expect(cadence.plan(resolved, job, clock.now())).toMatchObject({ view: null, outcome: 'cancelled' });
  });
});

describe('the tick', () => {
  afterEach(() => vi.useRealTimers());

  it('runs every N seconds even when N does not divide a minute (45 s: not at :45 and :00)', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T09:00:00.000Z') });
    let claims = 0;
    const repo = { claimDue: async () => (claims++, []) } as unknown as IncidentRepository;
    const scheduler = new Scheduler({ repo, cadence: {} as CadenceService, poster: new RefusingPoster(), clock: { now: () => new Date() }, log });
    scheduler.start(45);
    await vi.advanceTimersByTimeAsync(180_000);
    await scheduler.stop();
    // At 0 (start), 45, 90, 135 and 180 s.
    expect(claims).toBe(5);
  });
});
