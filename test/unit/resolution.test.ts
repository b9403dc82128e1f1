// The §8 resolution gate and the lifecycle around it, on the in-memory repository with the real
// runbook content and a clock that only moves when told: resolve is refused while any recovery step
// is open (each one listed), without the governed Orgo Case, and for anyone but the IC; once it is
// accepted the update and triage reminders stop and the §9 postmortem reminders are scheduled.
// Reopen restarts the update cadence and drops the postmortem reminders; mitigate keeps the cadence.
import { beforeEach, describe, expect, it } from 'vitest';
import { coreFixture } from '../support/core.js';
import { MINUTE, POSTMORTEM_OVERDUE_JOB, POSTMORTEM_REMINDER_JOB, TRIAGE_JOB, UPDATE_JOB } from '../../src/core/cadence/rules.js';
import { CadenceService } from '../../src/core/cadence/service.js';
import { ChecklistService } from '../../src/core/checklists/service.js';
import { DomainError, ErrorCode } from '../../src/core/errors.js';
import { LifecycleService } from '../../src/core/incidents/lifecycle.js';
import type { IncidentState, Severity, Workspace } from '../../src/core/incidents/model.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { renderPacket } from '../../src/core/postmortem/packet.js';
import type { PostmortemService } from '../../src/core/postmortem/service.js';
import { loadContent } from '../../src/core/runbook/content.js';
import type { ReminderView } from '../../src/core/views/cadence.js';
import { createLogger } from '../../src/log.js';
import { Scheduler, type ReminderPoster } from '../../src/scheduler/scheduler.js';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';

const content = loadContent();
const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 60 * MINUTE;
const at = (ms: number) => new Date(START.getTime() + ms);

const IC = 'U_IC';
const OPS = 'U_OPS';
const BOB = 'U_BOB';
const CASE = 'https://orgo.example/cases/9';

const RECOVERY = content.runbook.recovery.sections.flatMap((s) => s.items);
const RECOVERY_IDS = RECOVERY.map((i) => i.id);
const textOf = (id: string) => RECOVERY.find((i) => i.id === id)!.text;
/** The §8 step that recording the Orgo Case settles. */
const CASE_STEP = RECOVERY.find((i) => i.settledBy === 'orgo-case')!.id;
const BY_HAND = RECOVERY_IDS.filter((id) => id !== CASE_STEP);

let repo: MemoryIncidentRepository;
let clock: TestClock;
let incidents: IncidentService;
let checklists: ChecklistService;
let cadence: CadenceService;
let lifecycle: LifecycleService;
let postmortems: PostmortemService;
let ws: Workspace;

beforeEach(async () => {
  ({ repo, clock, incidents, checklists, cadence, lifecycle, postmortems, ws } = await coreFixture(START));
});

let rooms = 0;
type Declared = IncidentState & { roomId: string; id: string };

async function declare(severity: Severity = 'SEV2', commander = IC): Promise<Declared> {
  const n = ++rooms;
  const { state } = await incidents.declare(ws, commander, `V_${n}`, 'C_GENERAL', {
    title: `Incident ${n}`,
    severity,
    areas: ['distribution_activation'],
    tenants: ['acme'],
  });
  const roomId = `C_INC${n}`;
  const { state: withRoom } = await incidents.attachRoom(ws, state.incident.id, { id: roomId, name: `inc-${n}` });
  return { ...withRoom, roomId, id: state.incident.id };
}

const current = async (d: Declared) => (await repo.findById(ws, d.id))!;
const events = async (d: Declared, type?: string) => (await repo.timeline(ws, d.id)).filter((e) => type === undefined || e.type === type);
const jobs = (d: Declared, kind: string) => repo.jobRows.filter((j) => j.incidentId === d.id && j.kind === kind);
const pending = (d: Declared, kind: string) => jobs(d, kind).filter((j) => j.doneAt === null);

/** The DomainError a use case fails with, whether it throws at once or rejects. */
async function rejection(run: () => Promise<unknown>): Promise<DomainError> {
  const [outcome] = await Promise.allSettled([Promise.resolve().then(run)]);
  if (outcome!.status === 'fulfilled') throw new Error(`expected a DomainError, got ${JSON.stringify(outcome!.value)}`);
  expect(outcome!.reason).toBeInstanceOf(DomainError);
  return outcome!.reason as DomainError;
}

/** Everything that a refused request must leave as it was. */
const snapshot = async (d: Declared) => ({ state: await current(d), events: (await events(d)).length, jobs: structuredClone(repo.jobRows.filter((j) => j.incidentId === d.id)) });

async function attachRecovery(d: Declared) {
  await checklists.attach(ws, d.id, IC, ['recovery']);
}

/** Settles recovery steps: done, skipped (with a reason) or not applicable. */
async function settle(d: Declared, ids: string[], verb: 'done' | 'skip' | 'na' = 'done', actor = IC) {
  for (const id of ids) await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, actor, verb, id, verb === 'skip' ? 'covered by the canary' : undefined);
}

/** An incident that meets the §8 gate: every recovery step settled, one of each kind, and the case recorded. */
async function ready(severity: Severity = 'SEV2'): Promise<Declared> {
  const d = await declare(severity);
  await attachRecovery(d);
  const [skipped, na, ...done] = BY_HAND;
  await settle(d, done, 'done');
  await settle(d, [skipped!], 'skip');
  await settle(d, [na!], 'na');
  await lifecycle.recordCase(ws, d.roomId, IC, CASE);
  return d;
}

/** The lines of a refusal that name open steps ("• <text>"). */
const listed = (e: DomainError) => e.message.split('\n').filter((l) => l.startsWith('• ')).map((l) => l.slice(2));

describe('the §8 resolve gate', () => {
  it('refuses while the recovery checklist is not even attached, listing every §8 step and the missing case', async () => {
    const d = await declare();
    clock.advance(40 * MINUTE);
    const before = await snapshot(d);
    const e = await rejection(() => lifecycle.resolve(ws, d.roomId, IC));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    expect(e.message).toContain('§8');
    expect(listed(e)).toEqual(RECOVERY.map((i) => i.text));
    expect(e.message).toContain('No governed Orgo Case is recorded');
    expect(e.rich).toContainEqual({ command: 'checklist', args: 'recovery' });
    expect(await snapshot(d)).toEqual(before);
  });

  it('lists only the steps still open when recovery is partly settled; skipped and n/a count as settled', async () => {
    const d = await declare();
    await attachRecovery(d);
    const [a, b, c, ...rest] = BY_HAND;
    await settle(d, [a!], 'done');
    await settle(d, [b!], 'skip');
    await settle(d, [c!], 'na');
    await lifecycle.recordCase(ws, d.roomId, IC, CASE);
    const before = await snapshot(d);
    const e = await rejection(() => lifecycle.resolve(ws, d.roomId, IC));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    expect(listed(e)).toEqual(rest.map(textOf));
    expect(e.message).not.toContain(textOf(a!));
    expect(e.message).not.toContain('Orgo Case is recorded');
    // Attached already: no hint to post it.
    expect(e.rich).not.toContainEqual({ command: 'checklist', args: 'recovery' });
    expect(await snapshot(d)).toEqual(before);
  });

  it('a step that was settled and then undone is open again', async () => {
    const d = await ready();
    const undone = RECOVERY_IDS.at(-1)!;
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'undo', undone);
    const e = await rejection(() => lifecycle.resolve(ws, d.roomId, IC));
    expect(listed(e)).toEqual([textOf(undone)]);
  });

  it('refuses with every other step settled until the governed Orgo Case link is recorded, which settles its step', async () => {
    const d = await declare();
    await attachRecovery(d);
    await settle(d, BY_HAND);
    const e = await rejection(() => lifecycle.resolve(ws, d.roomId, IC));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    expect(listed(e)).toEqual([textOf(CASE_STEP)]);
    expect(e.message).toContain('No governed Orgo Case is recorded: case <link>.');
    expect(e.rich).toContainEqual({ command: 'case', args: '<link>' });
    expect((await current(d)).incident.status).toBe('declared');

    await lifecycle.recordCase(ws, d.roomId, IC, CASE);
    const { state } = await lifecycle.resolve(ws, d.roomId, IC);
    expect(state.incident.status).toBe('resolved');
  });

  it('refuses anyone but the Incident Commander, even when the gate is met', async () => {
    const d = await ready();
    await incidents.assignRole(ws, d.id, IC, 'ops', OPS);
    const before = await snapshot(d);
    for (const who of [OPS, BOB]) {
      const e = await rejection(() => lifecycle.resolve(ws, d.roomId, who));
      expect(e.code).toBe(ErrorCode.NotAllowed);
      expect(e.message).toContain(`Only the Incident Commander (@{${IC}}) can resolve the incident`);
    }
    expect(await snapshot(d)).toEqual(before);
  });

  it('accepts once every step is settled and the case recorded: resolved, resolvedAt, reminders stopped, postmortem due at +24/+48/+72 h', async () => {
    const d = await ready();
    expect(pending(d, UPDATE_JOB)).toHaveLength(1);
    expect(pending(d, TRIAGE_JOB)).toHaveLength(1);
    const resolvedAt = clock.advance(47 * MINUTE);
    const { state, result } = await lifecycle.resolve(ws, d.roomId, IC);

    expect(result).toEqual({ durationMs: 47 * MINUTE });
    expect(state.incident.status).toBe('resolved');
    expect(state.incident.resolvedAt).toEqual(resolvedAt);
    const stored = await current(d);
    expect(stored.incident.status).toBe('resolved');
    expect(stored.incident.resolvedAt).toEqual(resolvedAt);

    // The update and triage reminders end as superseded, at the moment of resolution.
    for (const kind of [UPDATE_JOB, TRIAGE_JOB]) {
      expect(pending(d, kind)).toEqual([]);
      expect(jobs(d, kind).map((j) => [j.outcome, j.doneAt])).toEqual([['superseded', resolvedAt]]);
    }
    const pm = [...pending(d, POSTMORTEM_REMINDER_JOB), ...pending(d, POSTMORTEM_OVERDUE_JOB)].map((j) => [j.kind, j.dueAt.getTime() - resolvedAt.getTime(), j.data]);
    expect(pm).toEqual([
      [POSTMORTEM_REMINDER_JOB, 24 * HOUR, { hours: 24 }],
      [POSTMORTEM_REMINDER_JOB, 48 * HOUR, { hours: 48 }],
      [POSTMORTEM_OVERDUE_JOB, 72 * HOUR, { hours: 72 }],
    ]);
    expect((await events(d, 'incident.resolved')).map((e) => [e.actor, e.data, e.occurredAt])).toEqual([[IC, { durationMs: 47 * MINUTE }, resolvedAt]]);
  });

  it('after resolving, a running scheduler posts no update or triage reminder', async () => {
    // Only the §7.1 cadence is watched here (update reminders, their escalation, the triage nudge).
    const CADENCE_KINDS = new Set(['update', 'triage', 'escalation']);
    const posted: ReminderView[] = [];
    const poster: ReminderPoster = { post: async (_ws, _s, view) => void (CADENCE_KINDS.has(view.kind) && posted.push(view)) };
    const scheduler = new Scheduler({ repo, cadence, poster, clock, log: createLogger('silent'), leaseMs: 60_000 });
    const d = await ready();
    await lifecycle.resolve(ws, d.roomId, IC);
    for (let m = 1; m <= 120; m += 1) {
      clock.advance(MINUTE);
      await scheduler.tick();
    }
    expect(posted).toEqual([]);
    // Control: the same two hours for an open SEV2 do post reminders.
    const open = await declare();
    for (let m = 1; m <= 31; m += 1) {
      clock.advance(MINUTE);
      await scheduler.tick();
    }
    expect(posted.map((v) => [v.kind, v.incidentId])).toEqual([
      ['triage', open.id],
      ['update', open.id],
    ]);
  });

  it('refuses a second resolve', async () => {
    const d = await ready();
    await lifecycle.resolve(ws, d.roomId, IC);
    const e = await rejection(() => lifecycle.resolve(ws, d.roomId, IC));
    expect(e.message).toContain('already resolved');
    expect(await events(d, 'incident.resolved')).toHaveLength(1);
  });

  it('refuses outside an incident channel', async () => {
    await declare();
    const e = await rejection(() => lifecycle.resolve(ws, 'C_GENERAL', IC));
    expect(e.code).toBe(ErrorCode.NotInIncidentRoom);
  });
});

describe('the governed Orgo Case link', () => {
  it('accepts a link, also as Slack writes it (<url|label>), and settles its §8 step by the same person in the same event', async () => {
    const d = await declare();
    await incidents.assignRole(ws, d.id, IC, 'orgo', OPS);
    const at = clock.advance(3 * MINUTE);
    const { result, changed } = await lifecycle.recordCase(ws, d.roomId, OPS, `<${CASE}|case 9>`);
    expect(result).toEqual({ url: CASE, settled: RECOVERY.find((i) => i.id === CASE_STEP) });
    expect(changed).toBe(true);
    const stored = await current(d);
    expect(stored.incident.orgoCaseUrl).toBe(CASE);
    expect(stored.items[CASE_STEP]).toEqual({ status: 'done', by: OPS, at });
    const again = await lifecycle.recordCase(ws, d.roomId, OPS, CASE);
    expect(again.changed).toBe(false);
    expect((await events(d, 'orgo_case.recorded')).map((e) => [e.actor, e.data])).toEqual([[OPS, { url: CASE, checklistId: 'recovery', itemId: CASE_STEP }]]);
    expect(await events(d, 'checklist.item.done')).toEqual([]);
  });

  it('is refused, saying how to get the right, to someone who may not tick the case step; nothing is recorded', async () => {
    const d = await declare();
    const before = await snapshot(d);
    const e = await rejection(() => lifecycle.recordCase(ws, d.roomId, BOB, CASE));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    expect(e.message).toContain('Only the Orgo Lead (unfilled) or the Incident Commander');
    expect(e.message).toContain('"Take role" on the header');
    expect(await snapshot(d)).toEqual(before);
  });

  it('ticking the case step asks for the link while none is recorded; with one recorded, a tick is accepted', async () => {
    const d = await ready();
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'undo', CASE_STEP);
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'done', CASE_STEP);
    const fresh = await declare();
    await attachRecovery(fresh);
    const e = await rejection(() => checklists.act(ws, { incidentId: fresh.id, roomId: fresh.roomId }, IC, 'done', CASE_STEP));
    expect(e.code).toBe(ErrorCode.InvalidInput);
    expect(e.message).toContain('ticked by recording the governed Orgo Case');
    expect((await current(fresh)).items[CASE_STEP]).toBeUndefined();
  });

  it('refuses something that is not a link and records nothing', async () => {
    const d = await declare();
    for (const bad of ['', 'case 9', 'orgo.example/cases/9']) {
      const e = await rejection(() => lifecycle.recordCase(ws, d.roomId, IC, bad));
      expect(e.code).toBe(ErrorCode.InvalidInput);
    }
    expect((await current(d)).incident.orgoCaseUrl).toBeNull();
    expect(await events(d, 'orgo_case.recorded')).toEqual([]);
  });
});

describe('mitigate', () => {
  it('sets mitigated and keeps the update reminder exactly as it was', async () => {
    const d = await declare('SEV1');
    const [job] = pending(d, UPDATE_JOB);
    clock.advance(5 * MINUTE);
    const { state, changed } = await lifecycle.mitigate(ws, d.roomId, IC);
    expect(changed).toBe(true);
    expect(state.incident.status).toBe('mitigated');
    expect(pending(d, UPDATE_JOB).map((j) => [j.id, j.dueAt])).toEqual([[job!.id, job!.dueAt]]);
    expect(state.incident.resolvedAt).toBeNull();
    expect((await events(d, 'incident.mitigated')).map((e) => e.actor)).toEqual([IC]);
    // Updates stay due: the reminder still plans a post.
    const plan = cadence.plan(state, { id: job!.id, ws, incidentId: d.id, kind: UPDATE_JOB, dueAt: job!.dueAt, data: {} }, job!.dueAt);
    expect(plan.view?.kind).toBe('update');
  });

  it('is the IC\'s call, is idempotent, and does not bypass the resolve gate', async () => {
    const d = await declare();
    const e = await rejection(() => lifecycle.mitigate(ws, d.roomId, BOB));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    await lifecycle.mitigate(ws, d.roomId, IC);
    expect((await lifecycle.mitigate(ws, d.roomId, IC)).changed).toBe(false);
    expect(await events(d, 'incident.mitigated')).toHaveLength(1);
    const refused = await rejection(() => lifecycle.resolve(ws, d.roomId, IC));
    expect(listed(refused)).toHaveLength(RECOVERY.length);
  });

  it('a mitigated incident resolves through the same gate', async () => {
    const d = await ready();
    await lifecycle.mitigate(ws, d.roomId, IC);
    const { state } = await lifecycle.resolve(ws, d.roomId, IC);
    expect(state.incident.status).toBe('resolved');
    expect(pending(d, UPDATE_JOB)).toEqual([]);
  });

  it('cannot mark a resolved incident mitigated', async () => {
    const d = await ready();
    await lifecycle.resolve(ws, d.roomId, IC);
    const e = await rejection(() => lifecycle.mitigate(ws, d.roomId, IC));
    expect(e.message).toContain('reopen it first');
  });
});

describe('reopen', () => {
  it('sets investigating, reschedules the update reminder on the cadence and cancels the postmortem reminders', async () => {
    const d = await ready('SEV2');
    clock.advance(20 * MINUTE);
    await lifecycle.resolve(ws, d.roomId, IC);
    expect(pending(d, UPDATE_JOB)).toEqual([]);
    const reopenedAt = clock.advance(10 * MINUTE);
    const { state } = await lifecycle.reopen(ws, d.roomId, IC, 'errors are back on stable');

    expect(state.incident.status).toBe('investigating');
    // No update was ever posted: the SEV2 cadence (30 min) counts from the declaration.
    expect(pending(d, UPDATE_JOB).map((j) => j.dueAt)).toEqual([at(30 * MINUTE)]);
    expect(pending(d, POSTMORTEM_REMINDER_JOB)).toEqual([]);
    expect(pending(d, POSTMORTEM_OVERDUE_JOB)).toEqual([]);
    expect([...jobs(d, POSTMORTEM_REMINDER_JOB), ...jobs(d, POSTMORTEM_OVERDUE_JOB)].map((j) => [j.outcome, j.doneAt])).toEqual([
      ['superseded', reopenedAt],
      ['superseded', reopenedAt],
      ['superseded', reopenedAt],
    ]);
    expect((await events(d, 'incident.reopened')).map((e) => [e.actor, e.data])).toEqual([[IC, { reason: 'errors are back on stable', reopenedSteps: RECOVERY_IDS }]]);
    // Every §8 step is open again, each undo recorded with why.
    expect(RECOVERY_IDS.filter((id) => state.items[id])).toEqual([]);
    expect((await events(d, 'checklist.item.undone')).map((e) => [e.actor, (e.data as { itemId: string }).itemId, (e.data as { reason: string }).reason])).toEqual(
      RECOVERY_IDS.map((id) => [IC, id, 'incident reopened: errors are back on stable']),
    );
  });

  it('counts the reminder from the last update when there was one', async () => {
    const d = await ready('SEV1');
    clock.advance(3 * MINUTE);
    await cadence.postUpdate(ws, d.roomId, IC, {
      changed: 'Rolled back.',
      impact: 'acme only.',
      mitigation: 'rollback',
      mitigationDetail: '',
      nextActions: 'Watch.',
      owner: OPS,
    });
    const updatedAt = clock.now();
    clock.advance(MINUTE);
    await lifecycle.resolve(ws, d.roomId, IC);
    clock.advance(MINUTE);
    await lifecycle.reopen(ws, d.roomId, IC, null);
    expect(pending(d, UPDATE_JOB).map((j) => j.dueAt)).toEqual([new Date(updatedAt.getTime() + 15 * MINUTE)]);
  });

  // KNOWN BUG (src/core/incidents/lifecycle.ts `reopen`): resolvedAt survives a reopen, so the packet of
  // an investigating incident says "Resolved: … (after N min)". Remove `.fails` once reopen clears it.
  it('clears resolvedAt, so the packet says "Resolved: not yet"', async () => {
    const d = await ready();
    await lifecycle.resolve(ws, d.roomId, IC);
    const { state } = await lifecycle.reopen(ws, d.roomId, IC, null);
    expect(state.incident.resolvedAt).toBeNull();
    const stored = await current(d);
    expect(stored.incident.resolvedAt).toBeNull();
    expect(renderPacket(stored, await events(d), content, clock.now())).toContain('- Resolved: not yet\n');
  });

  // KNOWN BUG (src/core/incidents/lifecycle.ts `reopen`): updatesMissed survives resolve and reopen, so
  // reopening an incident whose updates had been missed escalates at the very first tick ("reminder 4
  // in a row") although nothing was due while it was resolved. Remove `.fails` once reopen resets it.
  it('does not carry missed updates from before the resolution into the reopened incident', async () => {
    const posted: ReminderView[] = [];
    const poster: ReminderPoster = { post: async (_ws, _s, view) => void (view.kind === 'update' && posted.push(view)) };
    const scheduler = new Scheduler({ repo, cadence, poster, clock, log: createLogger('silent'), leaseMs: 60_000 });
    const d = await ready('SEV1');
    for (let m = 1; m <= 50; m += 1) {
      clock.advance(MINUTE);
      await scheduler.tick();
    }
    expect(posted.map((v) => (v as Extract<ReminderView, { kind: 'update' }>).missed)).toEqual([1, 2, 3]);
    await lifecycle.resolve(ws, d.roomId, IC);
    clock.advance(24 * HOUR);
    posted.length = 0;
    await lifecycle.reopen(ws, d.roomId, IC, 'errors are back');
    clock.advance(MINUTE);
    await scheduler.tick();
    expect(posted.map((v) => [(v as Extract<ReminderView, { kind: 'update' }>).missed, (v as Extract<ReminderView, { kind: 'update' }>).escalate])).toEqual([[1, false]]);
  });

  it('is refused for a non-IC and for an incident that is not resolved', async () => {
    const d = await ready();
    const e1 = await rejection(() => lifecycle.reopen(ws, d.roomId, IC, null));
    expect(e1.message).toContain('not resolved');
    await lifecycle.resolve(ws, d.roomId, IC);
    const before = await snapshot(d);
    const e2 = await rejection(() => lifecycle.reopen(ws, d.roomId, BOB, 'I think it is back'));
    expect(e2.code).toBe(ErrorCode.NotAllowed);
    expect(e2.message).toContain(`Only the Incident Commander (@{${IC}}) can reopen the incident`);
    expect(await snapshot(d)).toEqual(before);
  });

  it('a reopened incident needs its §8 steps again, and then resolves a second time', async () => {
    const d = await ready();
    await lifecycle.resolve(ws, d.roomId, IC);
    await lifecycle.reopen(ws, d.roomId, IC, null);
    const refused = await rejection(() => lifecycle.resolve(ws, d.roomId, IC));
    expect(listed(refused)).toEqual(RECOVERY.map((i) => i.text));
    expect(refused.message).not.toContain('Orgo Case is recorded');
    await settle(d, RECOVERY_IDS);
    const again = clock.advance(HOUR);
    const { state } = await lifecycle.resolve(ws, d.roomId, IC);
    expect(state.incident.resolvedAt).toEqual(again);
    expect(pending(d, UPDATE_JOB)).toEqual([]);
    expect(pending(d, POSTMORTEM_REMINDER_JOB).map((j) => j.dueAt)).toEqual([new Date(again.getTime() + 24 * HOUR), new Date(again.getTime() + 48 * HOUR)]);
  });
});

describe('investigating', () => {
  const triageStep = content.runbook.triage.sections[1]!.items[0]!.id;
  const playbookStep = content.runbook.playbooks[0]!.sections[0]!.items[0]!.id;

  it('starts at the first triage step, recorded once with the step; an undo or a second step does not record it again', async () => {
    const d = await declare();
    const at = clock.advance(2 * MINUTE);
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'done', triageStep);
    expect((await current(d)).incident.status).toBe('investigating');
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'undo', triageStep);
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'skip', triageStep, 'known');
    expect((await events(d, 'incident.investigating')).map((e) => [e.actor, e.data, e.occurredAt])).toEqual([[IC, { by: 'triage-step', itemId: triageStep }, at]]);
  });

  it('is not started by a playbook step, and never replaces mitigated', async () => {
    const d = await declare();
    await checklists.attach(ws, d.id, IC, [content.runbook.playbooks[0]!.id]);
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'done', playbookStep);
    expect((await current(d)).incident.status).toBe('declared');
    await lifecycle.mitigate(ws, d.roomId, IC);
    await checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, IC, 'done', triageStep);
    expect((await current(d)).incident.status).toBe('mitigated');
    expect(await events(d, 'incident.investigating')).toEqual([]);
  });
});

describe('close', () => {
  const SECTIONS = { rootCauseTechnical: 'Staging key.', rootCauseProcess: 'No key check.', whatWorked: 'Rollback.', whatDidNot: 'Paging.', rootCauseVerified: true };

  it('is refused before resolution, to anyone but the IC, and while the packet is incomplete (each part named); nothing changes', async () => {
    const d = await ready();
    expect((await rejection(() => lifecycle.close(ws, d.roomId, IC))).message).toContain('Only a resolved incident can be closed');
    await lifecycle.resolve(ws, d.roomId, IC);
    const notIc = await rejection(() => lifecycle.close(ws, d.roomId, BOB));
    expect(notIc.code).toBe(ErrorCode.NotAllowed);
    expect(notIc.message).toContain(`Only the Incident Commander (@{${IC}}) can close the incident`);
    const before = await snapshot(d);
    const e = await rejection(() => lifecycle.close(ws, d.roomId, IC));
    expect(e.message.split('\n').filter((l) => l.startsWith('• '))).toEqual([
      '• the section "Root cause: technical" is not written',
      '• the section "Root cause: process" is not written',
      '• the section "What worked" is not written',
      '• the section "What didn\'t" is not written',
      '• no corrective action is recorded',
    ]);
    expect(await snapshot(d)).toEqual(before);
  });

  it('closes a resolved incident with a complete packet: closed, recorded, postmortem reminders superseded; a reopen still works', async () => {
    const d = await ready();
    await lifecycle.resolve(ws, d.roomId, IC);
    await postmortems.saveSections(ws, d.roomId, IC, SECTIONS);
    await postmortems.addFollowup(ws, d.roomId, IC, { title: 'Compare key ids', owner: OPS, dueOn: '2026-03-20' });
    const closedAt = clock.advance(HOUR);
    const { state, changed } = await lifecycle.close(ws, d.roomId, IC);
    expect(changed).toBe(true);
    expect(state.incident.status).toBe('closed');
    expect((await events(d, 'incident.closed')).map((e) => [e.actor, e.occurredAt])).toEqual([[IC, closedAt]]);
    expect([...pending(d, POSTMORTEM_REMINDER_JOB), ...pending(d, POSTMORTEM_OVERDUE_JOB)]).toEqual([]);
    expect((await lifecycle.close(ws, d.roomId, IC)).changed).toBe(false);
    expect((await lifecycle.list(ws)).map((s) => s.incident.id)).not.toContain(d.id);
    const { state: reopened } = await lifecycle.reopen(ws, d.roomId, IC, 'it is back');
    expect(reopened.incident.status).toBe('investigating');
  });
});

describe('the open-incident list', () => {
  it('lists the open incidents of the workspace, oldest first, leaving out resolved ones and other workspaces', async () => {
    const a = await declare('SEV1');
    clock.advance(MINUTE);
    const b = await ready('SEV2');
    clock.advance(MINUTE);
    const c = await declare('SEV3');
    await lifecycle.mitigate(ws, a.roomId, IC);
    await lifecycle.resolve(ws, b.roomId, IC);
    const other = await incidents.workspace('slack', 'T_OTHER');
    await incidents.declare(other, IC, 'V_OTHER', null, { title: 'Elsewhere', severity: 'SEV1' });
    const open: IncidentState[] = await lifecycle.list(ws);
    expect(open.map((s) => [s.incident.id, s.incident.status])).toEqual([
      [a.id, 'mitigated'],
      [c.id, 'declared'],
    ]);
  });
});
