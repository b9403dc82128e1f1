// The incident use cases as a responder meets them: declare, roles, severity, the incident room.
// Real runbook model, in-memory repository, a clock that only moves when told.
import { beforeEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import { DomainError, ErrorCode } from '../../src/core/errors.js';
import type { DeclareInput } from '../../src/core/incidents/declare-input.js';
import { holderOf, type Role, type Workspace } from '../../src/core/incidents/model.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { loadIncidentModel } from '../../src/core/runbook/loader.js';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';

const model = loadIncidentModel();
const START = '2026-03-02T09:00:00.000Z';

const DECLARER = 'U_DECLARER';
const COMMANDER = 'U_COMMANDER';
const ALICE = 'U_ALICE';
const BOB = 'U_BOB';
const ROOM = 'C_INC1';

let repo: MemoryIncidentRepository;
let clock: TestClock;
let service: IncidentService;
let ws: Workspace;

beforeEach(async () => {
  repo = new MemoryIncidentRepository();
  clock = new TestClock(START);
  service = new IncidentService({ repo, clock, ...loadContent() });
  ws = await service.workspace('slack', 'T_ACME');
});

const input = (over: Partial<DeclareInput> = {}): DeclareInput => ({
  title: 'Bad pack activated on stable',
  severity: 'SEV2',
  areas: ['distribution_activation'],
  tenants: ['acme'],
  channels: ['stable'],
  environments: ['prod-eu'],
  ...over,
});

let keys = 0;
async function declare(over: Partial<DeclareInput> = {}, w: Workspace = ws, actor = DECLARER) {
  const { state } = await service.declare(w, actor, `V_${++keys}`, 'C_GENERAL', input(over));
  return state;
}

/** A declared incident whose room exists, as it is once the Slack surface has set it up. */
async function declareWithRoom(over: Partial<DeclareInput> = {}, room = ROOM) {
  const s = await declare(over);
  const { state } = await service.attachRoom(ws, s.incident.id, { id: room, name: `inc-${s.incident.number}-x` });
  return state;
}

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const r = await Promise.allSettled([p]);
  const outcome = r[0]!;
  if (outcome.status === 'fulfilled') throw new Error(`expected a DomainError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.reason).toBeInstanceOf(DomainError);
  return outcome.reason as DomainError;
}

describe('declare', () => {
  it('numbers incidents 1, 2, ... within a workspace, independently of other workspaces', async () => {
    const other = await service.workspace('slack', 'T_GLOBEX');
    const teams = await service.workspace('teams', 'T_ACME');
    const a1 = await declare();
    const a2 = await declare();
    const b1 = await declare({}, other);
    const a3 = await declare();
    const t1 = await declare({}, teams);
    expect([a1, a2, a3].map((s) => s.incident.number)).toEqual([1, 2, 3]);
    expect(b1.incident.number).toBe(1);
    expect(t1.incident.number).toBe(1);
    expect(new Set([a1, a2, a3, b1, t1].map((s) => s.incident.id)).size).toBe(5);
    expect(b1.incident.workspaceId).toBe(other.id);
    expect(other.id).not.toBe(ws.id);
    expect(teams.id).not.toBe(ws.id);
  });

  it('finds the same workspace again for the same team', async () => {
    const again = await service.workspace('slack', 'T_ACME');
    expect(again).toEqual(ws);
  });

  it('saves what was declared, with status declared and no room yet', async () => {
    const s = await declare({ title: '  Signing key exposed  ', severity: 'SEV1', areas: ['trust_roots_keys'], integrityUncertain: true });
    expect(s.incident).toMatchObject({
      title: 'Signing key exposed',
      severity: 'SEV1',
      status: 'declared',
      areas: ['trust_roots_keys'],
      tenants: ['acme'],
      channels: ['stable'],
      environments: ['prod-eu'],
      integrityUncertain: true,
      roomId: null,
      originRoomId: 'C_GENERAL',
      declaredBy: DECLARER,
    });
    expect(s.incident.declaredAt.toISOString()).toBe(START);
  });

  it('makes the declarer the Incident Commander when nobody else is chosen', async () => {
    const s = await declare();
    expect(s.holders).toEqual([{ role: 'ic', userId: DECLARER, assignedBy: DECLARER, assignedAt: new Date(START) }]);
  });

  it('makes the chosen commander the IC, assigned by the declarer', async () => {
    const s = await declare({ commander: COMMANDER });
    expect(holderOf(s, 'ic')).toBe(COMMANDER);
    expect(s.holders).toHaveLength(1);
    expect(s.holders[0]!.assignedBy).toBe(DECLARER);
  });

  it('writes incident.declared, role.assigned and the triage checklist to the timeline', async () => {
    const s = await declare({ commander: COMMANDER, areas: ['rendering', 'execution'] });
    const events = await service.timeline(ws, s.incident.id);
    expect(events.map((e) => [e.seq, e.type, e.actor])).toEqual([
      [1, 'incident.declared', DECLARER],
      [2, 'role.assigned', DECLARER],
      [3, 'checklist.attached', DECLARER],
    ]);
    expect(events[2]!.data).toEqual({ checklistId: 'triage' });
    expect(s.checklists.map((c) => c.checklistId)).toEqual(['triage']);
    expect(events[0]!.data).toMatchObject({ title: 'Bad pack activated on stable', severity: 'SEV2', areas: ['rendering', 'execution'], integrityUncertain: false });
    expect(events[1]!.data).toEqual({ role: 'ic', userId: COMMANDER, previous: null });
    expect(events.every((e) => e.occurredAt.toISOString() === START)).toBe(true);
  });

  it('returns the first incident when the same form is submitted twice', async () => {
    const first = await service.declare(ws, DECLARER, 'V_SAME', null, input());
    clock.advance(1_000);
    const second = await service.declare(ws, DECLARER, 'V_SAME', null, input({ title: 'Something else' }));
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.state.incident.id).toBe(first.state.incident.id);
    expect(second.state.incident.title).toBe('Bad pack activated on stable');
    expect(repo.listIncidents(ws)).toHaveLength(1);
    expect(await service.timeline(ws, first.state.incident.id)).toHaveLength(3);
  });

  it('creates one incident when twin submissions arrive at once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => service.declare(ws, DECLARER, 'V_TWIN', null, input())));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.state.incident.id)).size).toBe(1);
    expect(repo.counts()).toMatchObject({ incidents: 1, assignments: 1, events: 3 });
    // The number was not burnt by the twins: the next incident is #2.
    expect((await declare()).incident.number).toBe(2);
  });

  it('keys resubmissions per workspace: the same key in another workspace is another incident', async () => {
    const other = await service.workspace('slack', 'T_GLOBEX');
    const a = await service.declare(ws, DECLARER, 'V_SAME', null, input());
    const b = await service.declare(other, DECLARER, 'V_SAME', null, input());
    expect(b.created).toBe(true);
    expect(b.state.incident.id).not.toBe(a.state.incident.id);
  });

  it.each([
    ['trust roots / keys affected', { severity: 'SEV2', areas: ['trust_roots_keys'] }],
    ['tenant isolation affected', { severity: 'SEV4', areas: ['tenant_isolation'] }],
    ['integrity uncertain', { severity: 'SEV3', areas: [], integrityUncertain: true }],
  ] as const)('refuses a severity below SEV1 with %s, and writes nothing', async (_why, over) => {
    const before = repo.counts();
    const e = await rejection(service.declare(ws, DECLARER, 'V_LOW', null, input({ ...over, areas: [...over.areas] })));
    expect(e.code).toBe(ErrorCode.SeverityTooLow);
    expect(e.message).toContain('Runbook §4');
    expect(repo.counts()).toEqual(before);
    expect(repo.listIncidents(ws)).toEqual([]);
    // The same form at SEV1 goes through, and takes number 1: nothing was burnt.
    const ok = await service.declare(ws, DECLARER, 'V_LOW', null, input({ ...over, areas: [...over.areas], severity: 'SEV1' }));
    expect(ok.created).toBe(true);
    expect(ok.state.incident.number).toBe(1);
  });

  it.each(['ab', '  x  ', ''])('refuses the title %j on the title field, and writes nothing', async (title) => {
    const before = repo.counts();
    const e = await rejection(service.declare(ws, DECLARER, 'V_BAD', null, input({ title })));
    expect(e.code).toBe(ErrorCode.InvalidInput);
    expect(e.field).toBe('title');
    expect(e.message).toMatch(/at least 3 characters/);
    expect(repo.counts()).toEqual(before);
  });

  it('refuses an unknown severity on the severity field', async () => {
    const e = await rejection(service.declare(ws, DECLARER, 'V_BAD', null, input({ severity: 'SEV9' as never })));
    expect(e.code).toBe(ErrorCode.InvalidInput);
    expect(e.field).toBe('severity');
    expect(repo.counts().incidents).toBe(0);
  });
});

describe('assignRole', () => {
  it('lets the IC assign a role, and records who held it before', async () => {
    const s = await declare();
    const id = s.incident.id;
    const first = await service.assignRole(ws, id, DECLARER, 'ops', ALICE);
    expect(first.result).toEqual({ kind: 'assigned', previous: null });
    expect(holderOf(first.state, 'ops')).toBe(ALICE);

    clock.advance(60_000);
    const second = await service.assignRole(ws, id, DECLARER, 'ops', BOB);
    expect(second.result).toEqual({ kind: 'assigned', previous: ALICE });
    expect(holderOf(second.state, 'ops')).toBe(BOB);
    expect(second.state.holders.filter((h) => h.role === 'ops')).toHaveLength(1);

    const events = await service.timeline(ws, id);
    expect(events.slice(3).map((e) => ({ type: e.type, actor: e.actor, data: e.data }))).toEqual([
      { type: 'role.assigned', actor: DECLARER, data: { role: 'ops', userId: ALICE, previous: null } },
      { type: 'role.assigned', actor: DECLARER, data: { role: 'ops', userId: BOB, previous: ALICE } },
    ]);
    expect(events[4]!.occurredAt.toISOString()).toBe('2026-03-02T09:01:00.000Z');

    const history = repo.roleHistory(ws, id).filter((a) => a.role === 'ops');
    expect(history.map((a) => [a.userId, a.endedAt?.toISOString() ?? null, a.endedBy])).toEqual([
      [ALICE, '2026-03-02T09:01:00.000Z', DECLARER],
      [BOB, null, null],
    ]);
  });

  it('lets the IC hand over command', async () => {
    const s = await declare();
    const r = await service.assignRole(ws, s.incident.id, DECLARER, 'ic', COMMANDER);
    expect(r.result).toEqual({ kind: 'assigned', previous: DECLARER });
    expect(holderOf(r.state, 'ic')).toBe(COMMANDER);
    // The former IC is now like anyone else.
    const e = await rejection(service.assignRole(ws, s.incident.id, DECLARER, 'ops', ALICE));
    expect(e.code).toBe(ErrorCode.NotAllowed);
  });

  it('changes nothing when the role already has that holder', async () => {
    const s = await declare();
    await service.assignRole(ws, s.incident.id, DECLARER, 'ops', ALICE);
    const before = repo.counts();
    const r = await service.assignRole(ws, s.incident.id, DECLARER, 'ops', ALICE);
    expect(r).toMatchObject({ changed: false, result: { kind: 'unchanged' } });
    expect(repo.counts()).toEqual(before);
  });

  it('refuses anyone but the IC, naming the IC, and writes nothing', async () => {
    const s = await declare({ commander: COMMANDER });
    await service.assignRole(ws, s.incident.id, COMMANDER, 'ops', ALICE);
    const before = repo.counts();
    for (const [actor, role, user] of [
      [BOB, 'sec', ALICE], // someone else into an empty role
      [BOB, 'ops', BOB], // themself into a held role
      [DECLARER, 'ic', DECLARER], // the declarer, who is not the IC
    ] as [string, Role, string][]) {
      const e = await rejection(service.assignRole(ws, s.incident.id, actor, role, user));
      expect(e.code).toBe(ErrorCode.NotAllowed);
      expect(e.message).toContain(`@{${COMMANDER}}`);
    }
    expect(repo.counts()).toEqual(before);
    expect(holderOf((await service.claimed(ws, s.incident.id)), 'ops')).toBe(ALICE);
  });

  it('lets anyone step into a role nobody holds', async () => {
    const s = await declare({ areas: ['trust_roots_keys'], severity: 'SEV1' });
    const r = await service.assignRole(ws, s.incident.id, BOB, 'sec', BOB);
    expect(r.result).toEqual({ kind: 'assigned', previous: null });
    expect(holderOf(r.state, 'sec')).toBe(BOB);
    const last = (await service.timeline(ws, s.incident.id)).at(-1)!;
    expect(last).toMatchObject({ type: 'role.assigned', actor: BOB, data: { role: 'sec', userId: BOB, previous: null } });
  });

  it('treats an incident id of another workspace as unknown', async () => {
    const other = await service.workspace('slack', 'T_GLOBEX');
    const theirs = await declare({}, other, BOB);
    const before = repo.counts();
    const e = await rejection(service.assignRole(ws, theirs.incident.id, BOB, 'ops', BOB));
    expect(e.code).toBe(ErrorCode.IncidentNotFound);
    expect(repo.counts()).toEqual(before);
  });
});

describe('takeRole (the "Take role" button)', () => {
  it('gives the role to the first taker and tells the second who won', async () => {
    const s = await declareWithRoom();
    const won = await service.takeRole(ws, { incidentId: s.incident.id, roomId: ROOM }, ALICE, 'ops');
    expect(won.result).toEqual({ kind: 'assigned', previous: null });
    expect(holderOf(won.state, 'ops')).toBe(ALICE);

    const before = repo.counts();
    const e = await rejection(service.takeRole(ws, { incidentId: s.incident.id, roomId: ROOM }, BOB, 'ops'));
    expect(e.code).toBe(ErrorCode.RoleTaken);
    expect(e.message).toContain('Operations Lead');
    expect(e.message).toContain(`@{${ALICE}}`);
    expect(repo.counts()).toEqual(before);
  });

  it('answers "unchanged" when the holder clicks again', async () => {
    const s = await declareWithRoom();
    await service.takeRole(ws, { incidentId: s.incident.id, roomId: ROOM }, ALICE, 'ops');
    const again = await service.takeRole(ws, { incidentId: s.incident.id, roomId: ROOM }, ALICE, 'ops');
    expect(again).toMatchObject({ changed: false, result: { kind: 'unchanged' } });
  });

  it('gives the role to exactly one of several people clicking at once', async () => {
    const s = await declareWithRoom({ areas: ['execution'] });
    const takers = ['U_1', 'U_2', 'U_3', 'U_4', 'U_5', 'U_6'];
    const eventsBefore = (await service.timeline(ws, s.incident.id)).length;
    const outcomes = await Promise.allSettled(
      takers.map((u) => service.takeRole(ws, { incidentId: s.incident.id, roomId: ROOM }, u, 'swarmcraft')),
    );
    const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [takers[i]!] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        expect(o.reason).toBeInstanceOf(DomainError);
        expect((o.reason as DomainError).code).toBe(ErrorCode.RoleTaken);
        expect((o.reason as DomainError).message).toContain(`@{${winner}}`);
      }
    }
    const state = await service.claimed(ws, s.incident.id);
    expect(holderOf(state, 'swarmcraft')).toBe(winner);
    expect(repo.roleHistory(ws, s.incident.id).filter((a) => a.role === 'swarmcraft')).toHaveLength(1);
    const events = await service.timeline(ws, s.incident.id);
    expect(events).toHaveLength(eventsBefore + 1);
    expect(events.at(-1)).toMatchObject({ type: 'role.assigned', actor: winner, data: { role: 'swarmcraft', userId: winner } });
  });

  it('refuses a click whose channel is not the incident\'s room, and writes nothing', async () => {
    const s = await declareWithRoom();
    const before = repo.counts();
    const e = await rejection(service.takeRole(ws, { incidentId: s.incident.id, roomId: 'C_ELSEWHERE' }, ALICE, 'ops'));
    expect(e.code).toBe(ErrorCode.IncidentNotFound);
    expect(repo.counts()).toEqual(before);
  });

  it('refuses a click on an incident that has no room yet', async () => {
    const s = await declare();
    const e = await rejection(service.takeRole(ws, { incidentId: s.incident.id, roomId: '' }, ALICE, 'ops'));
    expect(e.code).toBe(ErrorCode.IncidentNotFound);
  });

  it('refuses an incident id of another workspace, even with that incident\'s room, and writes nothing', async () => {
    const other = await service.workspace('slack', 'T_GLOBEX');
    const theirs = await declare({}, other, BOB);
    await service.attachRoom(other, theirs.incident.id, { id: 'C_THEIRS', name: 'inc-1-theirs' });
    const before = repo.counts();
    const e = await rejection(service.takeRole(ws, { incidentId: theirs.incident.id, roomId: 'C_THEIRS' }, ALICE, 'ops'));
    expect(e.code).toBe(ErrorCode.IncidentNotFound);
    expect(e.message).toBe('That incident does not exist here.');
    expect(repo.counts()).toEqual(before);
    expect(holderOf((await service.claimed(other, theirs.incident.id)), 'ops')).toBeUndefined();
  });

  it.each(['not-a-uuid', '00000000-0000-4000-8000-000000000000', ''])('refuses the forged incident id %j', async (incidentId) => {
    await declareWithRoom();
    const e = await rejection(service.takeRole(ws, { incidentId, roomId: ROOM }, ALICE, 'ops'));
    expect(e.code).toBe(ErrorCode.IncidentNotFound);
  });
});

describe('changeSeverity', () => {
  it('lets the IC change it, recording from, to and the reason', async () => {
    const s = await declare({ severity: 'SEV3' });
    clock.advance(5 * 60_000);
    const r = await service.changeSeverity(ws, s.incident.id, DECLARER, 'SEV1', 'spreading to every channel');
    expect(r.changed).toBe(true);
    expect(r.result).toEqual({ from: 'SEV3' });
    expect(r.state.incident.severity).toBe('SEV1');
    expect((await service.claimed(ws, s.incident.id)).incident.severity).toBe('SEV1');
    const last = (await service.timeline(ws, s.incident.id)).at(-1)!;
    expect(last).toMatchObject({
      type: 'severity.changed',
      actor: DECLARER,
      data: { from: 'SEV3', to: 'SEV1', reason: 'spreading to every channel' },
    });
    expect(last.occurredAt.toISOString()).toBe('2026-03-02T09:05:00.000Z');
  });

  it('records a change without a reason as reason null', async () => {
    const s = await declare({ severity: 'SEV3' });
    await service.changeSeverity(ws, s.incident.id, DECLARER, 'SEV4', null);
    expect((await service.timeline(ws, s.incident.id)).at(-1)!.data).toEqual({ from: 'SEV3', to: 'SEV4', reason: null });
  });

  it('does nothing, and writes no event, when the severity is already that', async () => {
    const s = await declare({ severity: 'SEV2' });
    const before = repo.counts();
    const r = await service.changeSeverity(ws, s.incident.id, DECLARER, 'SEV2', 'just checking');
    expect(r.changed).toBe(false);
    expect(r.result).toBeNull();
    expect(repo.counts()).toEqual(before);
  });

  it.each(['SEV2', 'SEV3', 'SEV4'] as const)('refuses a downgrade to %s of an integrity-uncertain incident', async (to) => {
    const s = await declare({ severity: 'SEV1', integrityUncertain: true });
    const before = repo.counts();
    const e = await rejection(service.changeSeverity(ws, s.incident.id, DECLARER, to, 'looks fine now'));
    expect(e.code).toBe(ErrorCode.SeverityTooLow);
    expect(e.message).toContain(model.escalation.reason);
    expect(repo.counts()).toEqual(before);
    expect((await service.claimed(ws, s.incident.id)).incident.severity).toBe('SEV1');
    // Escalating further is still allowed.
    await expect(service.changeSeverity(ws, s.incident.id, DECLARER, 'SEV0', null)).resolves.toMatchObject({ changed: true });
  });

  it('refuses a downgrade below SEV1 of an incident touching tenant isolation', async () => {
    const s = await declare({ severity: 'SEV0', areas: ['tenant_isolation'] });
    const e = await rejection(service.changeSeverity(ws, s.incident.id, DECLARER, 'SEV2', null));
    expect(e.code).toBe(ErrorCode.SeverityTooLow);
    expect(e.message).toMatch(/Tenant isolation/);
  });

  it('refuses anyone but the IC, and writes nothing', async () => {
    const s = await declare({ commander: COMMANDER, severity: 'SEV3' });
    const before = repo.counts();
    const e = await rejection(service.changeSeverity(ws, s.incident.id, DECLARER, 'SEV1', null));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    expect(e.message).toContain(`@{${COMMANDER}}`);
    expect(repo.counts()).toEqual(before);
    expect((await service.claimed(ws, s.incident.id)).incident.severity).toBe('SEV3');
  });
});

describe('the incident room', () => {
  it('finds the incident of its room', async () => {
    const s = await declareWithRoom();
    const found = await service.inRoom(ws, ROOM);
    expect(found.incident.id).toBe(s.incident.id);
  });

  it.each(['C_GENERAL', 'C_RANDOM', ''])('refuses a command typed in %j, which is not an incident room', async (room) => {
    await declareWithRoom();
    const e = await rejection(service.inRoom(ws, room));
    expect(e.code).toBe(ErrorCode.NotInIncidentRoom);
    expect(e.rich).toContainEqual({ command: 'declare' });
  });

  it('does not find another workspace\'s incident by its room', async () => {
    const other = await service.workspace('slack', 'T_GLOBEX');
    const theirs = await declare({}, other, BOB);
    await service.attachRoom(other, theirs.incident.id, { id: 'C_THEIRS', name: 'inc-1-theirs' });
    const e = await rejection(service.inRoom(ws, 'C_THEIRS'));
    expect(e.code).toBe(ErrorCode.NotInIncidentRoom);
  });

  it('records the room once: attaching it again writes no second event', async () => {
    const s = await declareWithRoom();
    const again = await service.attachRoom(ws, s.incident.id, { id: ROOM, name: 'inc-1-x' });
    expect(again.changed).toBe(false);
    const rooms = (await service.timeline(ws, s.incident.id)).filter((e) => e.type === 'room.created');
    expect(rooms).toHaveLength(1);
    expect(rooms[0]!.data).toEqual({ id: ROOM, name: 'inc-1-x' });
  });

  it('claimed() refuses an incident id of another workspace', async () => {
    const other = await service.workspace('slack', 'T_GLOBEX');
    const theirs = await declare({}, other, BOB);
    const e = await rejection(service.claimed(ws, theirs.incident.id));
    expect(e.code).toBe(ErrorCode.IncidentNotFound);
    expect(await service.timeline(ws, theirs.incident.id)).toEqual([]);
  });
});
