// The IncidentRepository contract, written once and run against both implementations: the Prisma
// repository on PostgreSQL and the in-memory fake the core's unit tests use. If the fake drifted from
// the database, the unit tests would prove nothing.
import { describe, expect, it } from 'vitest';
import { IncoherentChange } from '../../src/core/change-rules.js';
import { DomainError, ErrorCode } from '../../src/core/errors.js';
import type { Workspace } from '../../src/core/incidents/model.js';
import type { Claim, IncidentRepository, JobRecord, NewIncident } from '../../src/core/ports.js';
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

    describe('recording a batch of job outcomes', () => {
      const minute = 60_000;
      const lease = (ms: number) => new Date(at.getTime() + ms);
      /** An incident with an update reminder due `minutesAgo` before `at`. */
      async function withDueJob(incident: (key: string) => Promise<string>, repo: IncidentRepository, ws: Workspace, key: string, minutesAgo: number, kinds = ['update']) {
        const id = await incident(key);
        await repo.change(ws, id, at, () => ({ schedule: kinds.map((kind) => ({ kind, dueAt: new Date(at.getTime() - minutesAgo * minute) })), events: [], result: null }));
        return id;
      }
      const missed = (ws: Workspace, incidentId: string, jobId: string, owner: string, n: number): JobRecord => ({
        ws,
        incidentId,
        complete: { jobId, owner, outcome: 'posted' },
        patch: { updatesMissed: n },
        schedule: [{ kind: 'update', dueAt: lease(15 * minute) }],
        events: [{ type: 'update.missed', actor: null, data: { missed: n } }],
      });

      it('records each job whose lease is still its owner\'s; one superseded or taken over meanwhile records nothing', async () => {
        const { repo, ws, incident } = await setup();
        const [kept, superseded, takenOver] = [await withDueJob(incident, repo, ws, 'K1', 2), await withDueJob(incident, repo, ws, 'K2', 2), await withDueJob(incident, repo, ws, 'K3', 3)];
        const mine = (claims: Claim[]) => claims.filter((c) => [kept, superseded, takenOver].includes(c.incidentId));
        // A claims the earliest job with a short lease, then the others with a long one; B takes the
        // first over once its lease has expired.
        const [short] = mine(await repo.claimDue(at, 'A', lease(1_000), 1));
        const long = mine(await repo.claimDue(at, 'A', lease(10 * minute), 10));
        const [theirs] = mine(await repo.claimDue(lease(2_000), 'B', lease(10 * minute), 10));
        expect([short!.incidentId, theirs!.incidentId, long.map((c) => c.incidentId).sort()]).toEqual([takenOver, takenOver, [kept, superseded].sort()]);
        // An update posted meanwhile ends the other's pending reminder.
        await repo.change(ws, superseded, at, () => ({ cancel: ['update'], events: [{ type: 'update.posted', actor: 'U1', data: {} }], result: null }));

        const job = (id: string) => long.find((c) => c.incidentId === id)!.id;
        const done = await repo.completeJobs(at, [missed(ws, kept, job(kept), 'A', 1), missed(ws, superseded, job(superseded), 'A', 1), missed(ws, takenOver, short!.id, 'A', 1)]);
        expect(done).toEqual([true, false, false]);
        expect(await repo.completeJobs(at, [missed(ws, takenOver, theirs!.id, 'B', 1)])).toEqual([true]);

        const after = async (id: string) => {
          const s = (await repo.findById(ws, id))!;
          return { missed: s.incident.updatesMissed, pending: s.jobs.map((j) => j.kind), events: (await repo.timeline(ws, id)).map((e) => e.type) };
        };
        expect(await after(kept)).toEqual({ missed: 1, pending: ['update'], events: ['incident.declared', 'update.missed'] });
        expect(await after(superseded)).toEqual({ missed: 0, pending: [], events: ['incident.declared', 'update.posted'] });
        expect(await after(takenOver)).toEqual({ missed: 1, pending: ['update'], events: ['incident.declared', 'update.missed'] });
      });

      it('chains several records of one incident in turn, and records a job named twice once', async () => {
        const { repo, ws, incident } = await setup();
        const id = await withDueJob(incident, repo, ws, 'K1', 1, ['update', 'triage']);
        const claims = (await repo.claimDue(at, 'A', lease(minute), 10)).filter((c) => c.incidentId === id);
        const [update, triage] = ['update', 'triage'].map((k) => claims.find((c) => c.kind === k)!);
        const triageRecord: JobRecord = { ws, incidentId: id, complete: { jobId: triage!.id, owner: 'A', outcome: 'posted' }, events: [{ type: 'triage.reminder', actor: null, data: {} }] };
        expect(await repo.completeJobs(at, [missed(ws, id, update!.id, 'A', 1), triageRecord, triageRecord])).toEqual([true, true, false]);
        const t = await repo.timeline(ws, id);
        expect(t.map((e) => [e.seq, e.type])).toEqual([[1, 'incident.declared'], [2, 'update.missed'], [3, 'triage.reminder']]);
        expect(findChainBreak(t, TEST_KEYING)).toBeNull();
        expect((await repo.findById(ws, id))!.incident.seq).toBe(3);
      });

      it('records nothing for a job named with another workspace', async () => {
        const { repo, ws, incident } = await setup();
        const id = await withDueJob(incident, repo, ws, 'K1', 1);
        const [claim] = (await repo.claimDue(at, 'A', lease(minute), 10)).filter((c) => c.incidentId === id);
        const other = await repo.workspace('slack', `${ws.externalId}OTHER`);
        expect(await repo.completeJobs(at, [missed(other, id, claim!.id, 'A', 1)])).toEqual([false]);
        expect((await repo.timeline(ws, id)).map((e) => e.type)).toEqual(['incident.declared']);
        expect((await repo.findById(ws, id))!.jobs.map((j) => j.id)).toEqual([claim!.id]);
      });
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
