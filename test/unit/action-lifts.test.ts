// Lifts and expiry as outcomes of their own, in the core over the in-memory repository: a hold stays in
// force until its lift has succeeded, a failed lift can be asked for again, a lift that fails closed
// waits for a second person, and a request nobody approves is expired by its own job at its deadline.
import { describe, expect, it } from 'vitest';
import { ActionService } from '../../src/core/actions/service.js';
import { EXPIRE_JOB, LIFT_JOB } from '../../src/core/cadence/rules.js';
import type { ExecutorKind } from '../../src/core/actions/ports.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { coreFixture } from '../support/core.js';

const content = loadContent();
const IC = 'U_IC';
const OPS = 'U_OPS';
const ROOM = 'CROOM1';
const MIN = 60_000;

async function fixture(opts: { severity?: 'SEV1' | 'SEV2'; uncertain?: boolean; executor?: ExecutorKind } = {}) {
  const f = await coreFixture('2026-03-02T09:00:00.000Z');
  const actions = new ActionService({ ...content, clock: f.clock, lifecycle: f.lifecycle, executorOf: () => opts.executor ?? 'webhook' });
  const { state } = await f.incidents.declare(f.ws, IC, 'declare-1', 'CGENERAL', {
    title: 'Freeze on acme',
    severity: opts.severity ?? 'SEV2',
    areas: ['distribution_activation'],
    tenants: ['acme'],
    channels: ['stable'],
    environments: [],
    integrityUncertain: opts.uncertain ?? false,
  });
  const id = state.incident.id;
  await f.incidents.attachRoom(f.ws, id, { id: ROOM, name: 'inc-1' });
  await f.incidents.assignRole(f.ws, id, IC, 'ops', OPS);
  const jobs = async (kind: string) => (await f.repo.findById(f.ws, id))!.jobs.filter((j) => j.kind === kind);
  const row = async (requestId: string) => (await f.repo.findById(f.ws, id))!.actions.find((a) => a.id === requestId)!;
  /** A freeze applied by its executor. */
  const freeze = async () => {
    const { result } = await actions.request(f.ws, ROOM, OPS, 'freeze-publish-activation', { tenant: 'acme', channel: ['stable'] });
    if (!result.ok) throw new Error(result.reason);
    await actions.recordOutcome(f.ws, id, result.request.id, { status: 'succeeded', detail: 'frozen' });
    return result.request.id;
  };
  return { ...f, actions, id, jobs, row, freeze };
}

describe('a lift is an outcome', () => {
  it('a failed lift leaves the freeze in force, its lift can be asked for again, and only success ends it', async () => {
    const f = await fixture();
    const req = await f.freeze();
    const lift = await f.actions.lift(f.ws, ROOM, IC, req);
    expect(lift.result).toMatchObject({ ok: true, lift: 'requested' });
    expect(await f.jobs(LIFT_JOB)).toHaveLength(1);
    // Asked for twice while under way: refused.
    await expect(f.actions.lift(f.ws, ROOM, OPS, req)).rejects.toThrow('already under way');

    const failed = await f.actions.recordLiftOutcome(f.ws, f.id, req, { status: 'failed', detail: 'POST answered 503 after 4 attempts.' });
    expect(failed.changed).toBe(true);
    expect(await f.row(req)).toMatchObject({ liftStatus: 'failed', liftedAt: null, liftDetail: 'POST answered 503 after 4 attempts.' });
    expect(f.actions.inForce(failed.state).map((x) => x.request.id)).toEqual([req]);
    // A late second answer to the same lift changes nothing.
    expect((await f.actions.recordLiftOutcome(f.ws, f.id, req, { status: 'succeeded', detail: 'late' })).changed).toBe(false);

    expect((await f.actions.lift(f.ws, ROOM, OPS, req)).result).toMatchObject({ ok: true, lift: 'requested' });
    const ok = await f.actions.recordLiftOutcome(f.ws, f.id, req, { status: 'succeeded', detail: 'unfrozen' });
    expect(await f.row(req)).toMatchObject({ liftStatus: 'succeeded', liftedBy: OPS, liftedAt: f.clock.now() });
    expect(f.actions.inForce(ok.state)).toEqual([]);
    await expect(f.actions.lift(f.ws, ROOM, OPS, req)).rejects.toThrow('is not in force');
  });

  it('a lift done by hand is lifted at once, with no job', async () => {
    const f = await fixture({ executor: 'manual' });
    const req = await f.freeze();
    expect((await f.actions.lift(f.ws, ROOM, IC, req)).result).toMatchObject({ ok: true, lift: 'lifted' });
    expect(await f.row(req)).toMatchObject({ liftStatus: 'succeeded', liftedBy: IC });
    expect(await f.jobs(LIFT_JOB)).toEqual([]);
  });
});

describe('a lift that fails closed', () => {
  it('at SEV1 with integrity uncertain it waits for a second person, whose approval expires like a request', async () => {
    const f = await fixture({ severity: 'SEV1', uncertain: true });
    const req = await f.freeze();
    const verify = content.runbook.playbooks.find((p) => p.ref === '6.2')!;
    await f.checklists.attach(f.ws, f.id, IC, [verify.id]);
    for (const item of verify.sections.flatMap((s) => s.items)) await f.checklists.act(f.ws, { incidentId: f.id, roomId: ROOM }, IC, 'done', item.id);

    expect((await f.actions.lift(f.ws, ROOM, OPS, req)).result).toMatchObject({ ok: true, lift: 'awaiting_approval', approvers: [IC] });
    const [expiry] = await f.jobs(EXPIRE_JOB);
    expect(expiry).toMatchObject({ dueAt: new Date(f.clock.now().getTime() + 15 * MIN), data: { requestId: req, lift: true } });
    expect(await f.jobs(LIFT_JOB)).toEqual([]);

    // The deadline passes: the lift expires by itself, and the freeze is still in force.
    expect((await f.actions.expire(f.ws, f.id, req, true)).result).toBeNull(); // not due yet
    f.clock.advance(15 * MIN);
    const expired = await f.actions.expire(f.ws, f.id, req, true);
    expect(expired.result?.reason).toMatch(/^The lift of request #1 expired at .*: nobody approved it within 15 minutes, so it is still in force; lift it again if it is still needed\.$/);
    expect(await f.row(req)).toMatchObject({ liftStatus: 'expired', liftedAt: null });
    expect(f.actions.inForce(expired.state)).toHaveLength(1);

    // Asked again and approved by the IC: now the executor is told.
    await f.actions.lift(f.ws, ROOM, OPS, req);
    await expect(f.actions.approveLift(f.ws, ROOM, OPS, req)).resolves.toMatchObject({ result: { ok: false } });
    expect((await f.actions.approveLift(f.ws, ROOM, IC, req)).result).toMatchObject({ ok: true, lift: 'requested' });
    expect(await f.row(req)).toMatchObject({ liftStatus: 'requested', liftRequestedBy: OPS, liftApprovedBy: IC });
    expect(await f.jobs(LIFT_JOB)).toHaveLength(1);
  });
});

describe('approving an action that fails closed', () => {
  it('re-checks the §6.2 verification: a step undone since the request blocks the approval, recorded', async () => {
    const f = await fixture({ severity: 'SEV1' });
    await f.incidents.assignRole(f.ws, f.id, IC, 'sec', 'U_SEC');
    const evidence = content.runbook.triage.sections.find((x) => x.id === 'preserve-evidence')!.items;
    const verify = content.runbook.playbooks.find((p) => p.ref === '6.2')!;
    await f.checklists.attach(f.ws, f.id, IC, [verify.id]);
    const claim = { incidentId: f.id, roomId: ROOM };
    for (const item of [...evidence, ...verify.sections.flatMap((x) => x.items)]) await f.checklists.act(f.ws, claim, IC, 'done', item.id);
    const { result } = await f.actions.request(f.ws, ROOM, 'U_SEC', 'deploy-trust-roots', { tenant: 'acme', channel: 'stable', trustRootSet: 'roots@v7' });
    expect(result).toMatchObject({ ok: true, approvers: { candidates: [IC] } });
    if (!result.ok) return;

    await f.checklists.act(f.ws, claim, IC, 'undo', 'verification-failure.confirm-trust-roots');
    const refused = await f.actions.approve(f.ws, ROOM, IC, result.request.id);
    expect(refused.result).toMatchObject({ ok: false, reason: expect.stringContaining('Fail-closed rule (§2, §6.2): at SEV1, "Deploy corrected tenant-scoped trust roots" waits for the §6.2 verification') });
    expect(await f.row(result.request.id)).toMatchObject({ status: 'awaiting_approval' });

    await f.checklists.act(f.ws, claim, IC, 'done', 'verification-failure.confirm-trust-roots');
    expect((await f.actions.approve(f.ws, ROOM, IC, result.request.id)).result).toMatchObject({ ok: true });
  });
});

describe('a request nobody approves', () => {
  it('is expired by its job at the deadline, not before, and only while it still waits', async () => {
    const f = await fixture({ severity: 'SEV1' });
    const { result } = await f.actions.request(f.ws, ROOM, IC, 'rollback-to-lkg', { tenant: 'acme', channel: ['stable'] }, 'devices failing');
    if (!result.ok) throw new Error(result.reason);
    const [job] = await f.jobs(EXPIRE_JOB);
    expect(job).toMatchObject({ dueAt: new Date(f.clock.now().getTime() + 15 * MIN), data: { requestId: result.request.id } });
    f.clock.advance(15 * MIN - 1);
    expect((await f.actions.expire(f.ws, f.id, result.request.id, false)).changed).toBe(false);
    f.clock.advance(1);
    const done = await f.actions.expire(f.ws, f.id, result.request.id, false);
    expect(done.result?.reason).toMatch(/^Request #1 expired at .*: nobody approved it within 15 minutes, so nothing ran/);
    expect(await f.row(result.request.id)).toMatchObject({ status: 'expired' });
    expect((await f.actions.expire(f.ws, f.id, result.request.id, false)).changed).toBe(false);
  });
});
