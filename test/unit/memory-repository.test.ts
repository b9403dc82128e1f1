// The in-memory repository must behave like the Prisma one, or the service tests prove nothing:
// serialised changes, all-or-nothing writes, workspace scoping and the same hash chain.
import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../src/core/errors.js';
import type { Workspace } from '../../src/core/incidents/model.js';
import type { NewIncident } from '../../src/core/ports.js';
import { findChainBreak, GENESIS_HASH } from '../../src/core/timeline/chain.js';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';
import { TEST_KEYING } from '../fakes/timeline-key.js';

let repo: MemoryIncidentRepository;
let ws: Workspace;
const at = new Date('2026-03-02T09:00:00.000Z');

const draft = (key: string): NewIncident => ({
  title: 'Bad pack',
  severity: 'SEV2',
  areas: ['rendering'],
  tenants: [],
  channels: [],
  environments: [],
  integrityUncertain: false,
  originRoomId: null,
  declaredBy: 'U1',
  declaredAt: at,
  declareKey: key,
});

beforeEach(async () => {
  repo = new MemoryIncidentRepository();
  ws = await repo.workspace('slack', 'T1');
});

async function incident(key = 'K1') {
  const { state } = await repo.create(ws, draft(key), { grants: [{ role: 'ic', userId: 'U1', by: 'U1' }], events: [{ type: 'incident.declared', actor: 'U1', data: {} }] });
  return state.incident.id;
}

describe('MemoryIncidentRepository', () => {
  it('runs concurrent changes to one incident one after another, each seeing the last one\'s write', async () => {
    const id = await incident();
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        repo.change(ws, id, at, (s) => {
          const n = s.holders.filter((h) => h.role === 'ops').length === 0 ? 0 : Number(s.holders.find((h) => h.role === 'ops')!.userId.slice(1));
          seen.push(n);
          return { grants: [{ role: 'ops', userId: `U${n + 1}`, by: 'U1' }], events: [{ type: 'tick', actor: null, data: { i } }], result: n };
        }),
      ),
    );
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const t = await repo.timeline(ws, id);
    expect(t.map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(findChainBreak(t, TEST_KEYING)).toBeNull();
  });

  it('keeps serving an incident after a decision threw', async () => {
    const id = await incident();
    await expect(
      repo.change(ws, id, at, () => {
        throw new DomainError(ErrorCode.NotAllowed, 'no');
      }),
    ).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
    const r = await repo.change(ws, id, at, () => ({ events: [{ type: 'after', actor: null, data: {} }], result: 1 }));
    expect(r.changed).toBe(true);
  });

  it('reports changed only when there is something to write', async () => {
    const id = await incident();
    const before = repo.counts();
    const none = await repo.change(ws, id, at, () => ({ events: [], result: 'x' }));
    expect(none).toMatchObject({ changed: false, result: 'x' });
    expect(repo.counts()).toEqual(before);
    const patched = await repo.change(ws, id, at, () => ({ patch: { status: 'investigating' }, events: [], result: null }));
    expect(patched.changed).toBe(true);
    expect(patched.state.incident.status).toBe('investigating');
  });

  it('refuses a room already used by another incident of the workspace, writing nothing', async () => {
    const a = await incident('A');
    const b = await incident('B');
    await repo.change(ws, a, at, () => ({ patch: { roomId: 'C1', roomName: 'inc-1' }, events: [{ type: 'room', actor: null, data: {} }], result: null }));
    const before = repo.counts();
    await expect(
      repo.change(ws, b, at, () => ({ patch: { roomId: 'C1', roomName: 'inc-2' }, events: [{ type: 'room', actor: null, data: {} }], result: null })),
    ).rejects.toThrow(/Unique constraint/);
    expect(repo.counts()).toEqual(before);
    expect((await repo.findById(ws, b))!.incident.roomId).toBeNull();
  });

  it('scopes every read to the workspace', async () => {
    const id = await incident();
    const other = await repo.workspace('slack', 'T2');
    expect(await repo.findById(other, id)).toBeNull();
    expect(await repo.timeline(other, id)).toEqual([]);
    await expect(repo.change(other, id, at, () => ({ events: [], result: null }))).rejects.toMatchObject({ code: ErrorCode.IncidentNotFound });
    expect(await repo.findById(ws, 'not-a-uuid')).toBeNull();
  });

  it('hands out copies: changing a returned state changes nothing stored', async () => {
    const id = await incident();
    const s = (await repo.findById(ws, id))!;
    s.incident.title = 'forged';
    s.holders.length = 0;
    const again = (await repo.findById(ws, id))!;
    expect(again.incident.title).toBe('Bad pack');
    expect(again.holders).toHaveLength(1);
  });

  it('chains the first event onto the genesis hash', async () => {
    const id = await incident();
    const [first] = await repo.timeline(ws, id);
    expect(first!.prevHash).toBe(GENESIS_HASH);
    expect(findChainBreak([first!], TEST_KEYING)).toBeNull();
  });
});

describe('TestClock', () => {
  it('moves only when advanced, and hands out copies', () => {
    const c = new TestClock('2026-01-01T00:00:00.000Z');
    const d = c.now();
    d.setFullYear(1999);
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    c.advance(90_000);
    expect(c.now().toISOString()).toBe('2026-01-01T00:01:30.000Z');
  });
});
