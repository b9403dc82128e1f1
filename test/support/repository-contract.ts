// The IncidentRepository contract, written once and run against both implementations: the Prisma
// repository on PostgreSQL and the in-memory fake the core's unit tests use. If the fake drifted from
// the database, the unit tests would prove nothing.
import { describe, expect, it } from 'vitest';
import { IncoherentChange } from '../../src/core/change-rules.js';
import { DomainError, ErrorCode } from '../../src/core/errors.js';
import type { IncidentRepository, NewIncident } from '../../src/core/ports.js';
import { findChainBreak, GENESIS_HASH } from '../../src/core/timeline/chain.js';
import { TEST_KEYING } from '../fakes/timeline-key.js';

/** What the contract needs: a fresh repository and a count of what it has written. */
export type ContractSubject = { repo: IncidentRepository; written: () => Promise<Record<string, number>> };

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

export function repositoryContract(name: string, subject: () => Promise<ContractSubject>) {
  describe(`${name} keeps the repository contract`, () => {
    let n = 0;
    /** A workspace of its own per test, so the contract runs on one database too. */
    async function setup() {
      const s = await subject();
      const ws = await s.repo.workspace('slack', `TCONTRACT${++n}${Math.random().toString(36).slice(2, 8)}`);
      const incident = async (key = 'K1') =>
        (await s.repo.create(ws, draft(key), { grants: [{ role: 'ic', userId: 'U1', by: 'U1' }], events: [{ type: 'incident.declared', actor: 'U1', data: {} }] })).state.incident.id;
      return { ...s, ws, incident };
    }

    it('finds a known workspace without writing one it does not know', async () => {
      const { repo, ws } = await setup();
      expect(await repo.knownWorkspace('slack', ws.externalId)).toEqual(ws);
      expect(await repo.knownWorkspace('slack', `${ws.externalId}UNKNOWN`)).toBeUndefined();
      expect(await repo.knownWorkspace('slack', `${ws.externalId}UNKNOWN`)).toBeUndefined();
    });

    it('runs concurrent changes to one incident one after another, each seeing the last one\'s write', async () => {
      const { repo, ws, incident } = await setup();
      const id = await incident();
      const seen: number[] = [];
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          repo.change(ws, id, at, (s) => {
            const holder = s.holders.find((h) => h.role === 'ops');
            const k = holder ? Number(holder.userId.slice(1)) : 0;
            seen.push(k);
            return { grants: [{ role: 'ops', userId: `U${k + 1}`, by: 'U1' }], events: [{ type: 'tick', actor: null, data: { i } }], result: k };
          }),
        ),
      );
      expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i));
      const t = await repo.timeline(ws, id);
      expect(t.map((e) => e.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      expect(findChainBreak(t, TEST_KEYING)).toBeNull();
      expect((await repo.findById(ws, id))!.incident.seq).toBe(13);
    });

    it('numbers incidents per workspace, and answers a repeated declare key with the first incident', async () => {
      const { repo, ws, incident } = await setup();
      const a = await incident('A');
      await incident('B');
      const again = await repo.create(ws, draft('A'), { events: [{ type: 'incident.declared', actor: 'U1', data: {} }] });
      expect(again).toMatchObject({ created: false, state: { incident: { id: a, number: 1 } } });
      expect((await repo.listOpen(ws)).map((s) => s.incident.number)).toEqual([1, 2]);
    });

    it('keeps serving an incident after a decision threw, and writes nothing of it', async () => {
      const { repo, ws, incident, written } = await setup();
      const id = await incident();
      const before = await written();
      await expect(
        repo.change(ws, id, at, () => {
          throw new DomainError(ErrorCode.NotAllowed, 'no');
        }),
      ).rejects.toMatchObject({ code: ErrorCode.NotAllowed });
      expect(await written()).toEqual(before);
      const r = await repo.change(ws, id, at, () => ({ events: [{ type: 'after', actor: null, data: {} }], result: 1 }));
      expect(r.changed).toBe(true);
    });

    it('reports changed only when there is something to write', async () => {
      const { repo, ws, incident, written } = await setup();
      const id = await incident();
      const before = await written();
      expect(await repo.change(ws, id, at, () => ({ events: [], result: 'x' }))).toMatchObject({ changed: false, result: 'x' });
      expect(await written()).toEqual(before);
      const patched = await repo.change(ws, id, at, () => ({ patch: { status: 'investigating' }, events: [], result: null }));
      expect(patched.changed).toBe(true);
      expect(patched.state.incident.status).toBe('investigating');
      expect((await repo.findById(ws, id))!.incident.status).toBe('investigating');
    });

    it('refuses a room already used by another incident of the workspace, writing nothing', async () => {
      const { repo, ws, incident, written } = await setup();
      const a = await incident('A');
      const b = await incident('B');
      await repo.change(ws, a, at, () => ({ patch: { roomId: 'C1', roomName: 'inc-1' }, events: [{ type: 'room', actor: null, data: {} }], result: null }));
      const before = await written();
      await expect(repo.change(ws, b, at, () => ({ patch: { roomId: 'C1', roomName: 'inc-2' }, events: [{ type: 'room', actor: null, data: {} }], result: null }))).rejects.toThrow(/Unique constraint/i);
      expect(await written()).toEqual(before);
      expect((await repo.findById(ws, b))!.incident.roomId).toBeNull();
    });

    it('scopes every read and change to the workspace', async () => {
      const { repo, ws, incident } = await setup();
      const id = await incident();
      const other = await repo.workspace('slack', `${ws.externalId}X`);
      expect(await repo.findById(other, id)).toBeNull();
      expect(await repo.timeline(other, id)).toEqual([]);
      await expect(repo.change(other, id, at, () => ({ events: [], result: null }))).rejects.toMatchObject({ code: ErrorCode.IncidentNotFound });
      expect(await repo.findById(ws, 'not-a-uuid')).toBeNull();
      expect(await repo.claimRepaint(other, id, 'header', 99)).toBe(false);
    });

    it('changes the incident of a room, found and locked by the room, only in its own workspace', async () => {
      const { repo, ws, incident } = await setup();
      const id = await incident();
      await repo.change(ws, id, at, () => ({ patch: { roomId: 'CROOM', roomName: 'inc-1' }, events: [{ type: 'room', actor: null, data: {} }], result: null }));
      const out = await repo.changeInRoom(ws, 'CROOM', at, (s) => ({ events: [{ type: 'note', actor: 'U1', data: {} }], result: s.incident.id }));
      expect(out).toMatchObject({ result: id, changed: true });
      expect((await repo.timeline(ws, id)).map((e) => e.type)).toEqual(['incident.declared', 'room', 'note']);
      expect(await repo.changeInRoom(ws, 'CNOWHERE', at, () => ({ events: [{ type: 'x', actor: null, data: {} }], result: null }))).toBeNull();
      const other = await repo.workspace('slack', `${ws.externalId}R`);
      expect(await repo.changeInRoom(other, 'CROOM', at, () => ({ events: [{ type: 'x', actor: null, data: {} }], result: null }))).toBeNull();
      // A redelivery of a change made by room replays it, as one made by id does.
      const note = () => repo.changeInRoom(ws, 'CROOM', at, () => ({ events: [{ type: 'keyed', actor: 'U1', data: {} }], result: 'first' }));
      await repo.once('by-room', note);
      expect(await repo.once('by-room', note)).toMatchObject({ result: 'first', replayed: true });
      expect((await repo.timeline(ws, id)).filter((e) => e.type === 'keyed')).toHaveLength(1);
    });

    it('chains the first event onto the genesis hash', async () => {
      const { repo, ws, incident } = await setup();
      const [first] = await repo.timeline(ws, await incident());
      expect(first!.prevHash).toBe(GENESIS_HASH);
      expect(findChainBreak([first!], TEST_KEYING)).toBeNull();
    });

    it('refuses a change that contradicts itself, writing nothing', async () => {
      const { repo, ws, incident, written } = await setup();
      const id = await incident();
      const before = await written();
      const nulled = { patch: { orgoCaseUrl: null } as never, events: [{ type: 'x', actor: null, data: {} }], result: null };
      await expect(repo.change(ws, id, at, () => nulled)).rejects.toBeInstanceOf(IncoherentChange);
      const twice = { items: [1, 2].map(() => ({ itemId: 'triage.assign-leads', state: { status: 'open' as const }, actor: 'U1' })), events: [], result: null };
      await expect(repo.change(ws, id, at, () => twice)).rejects.toBeInstanceOf(IncoherentChange);
      expect(await written()).toEqual(before);
    });

    it('replays a delivery handled before: the first result, nothing decided or written again', async () => {
      const { repo, ws, incident, written } = await setup();
      const id = await incident();
      let decided = 0;
      const tick = () => repo.change(ws, id, at, () => ({ events: [{ type: 'tick', actor: 'U1', data: { n: ++decided } }], result: { n: decided, at } }));
      const first = await repo.once('delivery-1', tick);
      const before = await written();
      const second = await repo.once('delivery-1', tick);
      expect(second).toMatchObject({ changed: false, replayed: true, result: { n: 1, at } });
      expect(first.result).toEqual(second.result);
      expect(decided).toBe(1);
      expect(await written()).toEqual(before);
      // Another delivery, or the same key in another workspace, is a new intent.
      expect((await repo.once('delivery-2', tick)).changed).toBe(true);
      const other = await repo.workspace('slack', `${ws.externalId}Y`);
      await expect(repo.once('delivery-1', () => repo.change(other, id, at, () => ({ events: [], result: null })))).rejects.toMatchObject({ code: ErrorCode.IncidentNotFound });
    });

    it('keys each change of one delivery by its order, so a redelivery replays all of them', async () => {
      const { repo, ws, incident } = await setup();
      const id = await incident();
      const work = () =>
        repo.once('two-changes', async () => [
          await repo.change(ws, id, at, () => ({ events: [{ type: 'one', actor: null, data: {} }], result: 'one' })),
          await repo.change(ws, id, at, () => ({ events: [{ type: 'two', actor: null, data: {} }], result: 'two' })),
        ]);
      await work();
      const again = await work();
      expect(again.map((r) => [r.result, r.replayed])).toEqual([
        ['one', true],
        ['two', true],
      ]);
      expect((await repo.timeline(ws, id)).map((e) => e.type)).toEqual(['incident.declared', 'one', 'two']);
    });

    it('replaces every part of a view posted again, dropping the parts the new post no longer has', async () => {
      const { repo, ws, incident } = await setup();
      const id = await incident();
      await repo.recordPosted(ws, id, 'checklist:triage', { roomId: 'C1', refs: [{ ref: 'a1', digest: 'x' }, { ref: 'a2', digest: 'y' }], stamp: 2 });
      await repo.recordPosted(ws, id, 'header', { roomId: 'C1', refs: [{ ref: 'h1', digest: 'h' }], stamp: 2 });
      await repo.recordPosted(ws, id, 'checklist:triage', { roomId: 'C2', refs: [{ ref: 'b1', digest: 'z' }], stamp: 4 });
      const { posted } = (await repo.findById(ws, id))!;
      expect(posted['checklist:triage']).toEqual({ roomId: 'C2', refs: [{ ref: 'b1', digest: 'z' }], stamp: 4 });
      expect(posted.header).toEqual({ roomId: 'C1', refs: [{ ref: 'h1', digest: 'h' }], stamp: 2 });
    });

    it('lets a repaint through only with a newer stamp than any claimed before', async () => {
      const { repo, ws, incident } = await setup();
      const id = await incident();
      await repo.recordPosted(ws, id, 'header', { roomId: 'C1', refs: [{ ref: 'm1', digest: 'd1' }], stamp: 3 });
      expect((await repo.findById(ws, id))!.posted.header).toEqual({ roomId: 'C1', refs: [{ ref: 'm1', digest: 'd1' }], stamp: 3 });
      expect(await repo.claimRepaint(ws, id, 'header', 3)).toBe(false);
      expect(await repo.claimRepaint(ws, id, 'header', 5)).toBe(true);
      expect(await repo.claimRepaint(ws, id, 'header', 4)).toBe(false);
      expect(await repo.recordDigests(ws, id, 'header', [{ ref: 'm1', digest: 'd2' }])).toBe(5);
      expect((await repo.findById(ws, id))!.posted.header!.refs).toEqual([{ ref: 'm1', digest: 'd2' }]);
      expect(await repo.claimRepaint(ws, id, 'checklist:triage', 9)).toBe(false);
    });
  });
}
