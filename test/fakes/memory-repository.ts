// An in-memory IncidentRepository with the same semantics as src/db/incident-repository.ts:
// workspace-scoped reads, per-workspace numbering, declareKey idempotency, serialised changes per
// incident, all-or-nothing writes and the same hash chain. Unit tests of the core run against it.
import { randomUUID } from 'node:crypto';
import { assertCoherent } from '../../src/core/change-rules.js';
import { incidentNotFound } from '../../src/core/errors.js';
import { inDelivery, nextChangeKey } from '../../src/db/delivery.js';
import type { ItemState } from '../../src/core/checklists/state.js';
import type {
  ActionRequest,
  AttachedChecklist,
  Followup,
  Incident,
  IncidentState,
  PendingJob,
  Platform,
  PostedView,
  PostmortemFields,
  Role,
  RoleHolder,
  Workspace,
} from '../../src/core/incidents/model.js';
import type {
  Attachment,
  Change,
  ChangeOutcome,
  Claim,
  FirstChange,
  JobCompletion,
  JobRecord,
  NewJob,
  IncidentRepository,
  ItemUpdate,
  NewEvent,
  NewIncident,
  RoleGrant,
  TimelineEvent,
} from '../../src/core/ports.js';
import { GENESIS_HASH, hashEvent } from '../../src/core/timeline/chain.js';
import { TEST_TIMELINE_KEY } from './timeline-key.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type WorkspaceRow = Workspace & { nextIncidentNumber: number };
type IncidentRow = { incident: Incident; declareKey: string };
/** A role assignment with its history, as the role_assignments table keeps it. */
export type RoleAssignmentRow = {
  id: string;
  workspaceId: string;
  incidentId: string;
  role: Role;
  userId: string;
  assignedBy: string;
  assignedAt: Date;
  endedAt: Date | null;
  endedBy: string | null;
};
type EventRow = TimelineEvent & { workspaceId: string };
/** A job as the jobs table keeps it. */
export type JobRow = PendingJob & {
  workspaceId: string;
  incidentId: string;
  leaseUntil: Date | null;
  doneAt: Date | null;
  outcome: string | null;
  attempts: number;
  lastError: string | null;
};

/** Lets other callbacks run, as a database round trip would; a missing lock then shows as a race. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));

/** jsonb keeps JSON and nothing else: undefined keys vanish, dates become strings. */
const asJsonb = (data: Record<string, unknown>): unknown => JSON.parse(JSON.stringify(data));

export class MemoryIncidentRepository implements IncidentRepository {
  constructor(private readonly timelineKey = TEST_TIMELINE_KEY) {}

  private readonly workspaces = new Map<string, WorkspaceRow>();
  private readonly incidents = new Map<string, IncidentRow>();
  private readonly assignments: RoleAssignmentRow[] = [];
  private readonly events = new Map<string, EventRow[]>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly attached = new Map<string, AttachedChecklist[]>();
  private readonly items = new Map<string, Record<string, ItemState>>();
  readonly jobRows: JobRow[] = [];
  private readonly postmortems = new Map<string, PostmortemFields>();
  private readonly followupRows = new Map<string, Followup[]>();
  private readonly actionRows = new Map<string, ActionRequest[]>();

  async knownWorkspace(platform: Platform, externalId: string): Promise<Workspace | undefined> {
    await roundTrip();
    const w = this.workspaces.get(`${platform}\u0000${externalId}`);
    return w && { id: w.id, platform: w.platform, externalId: w.externalId };
  }

  async workspace(platform: Platform, externalId: string): Promise<Workspace> {
    await roundTrip();
    const key = `${platform}\u0000${externalId}`;
    let w = this.workspaces.get(key);
    if (!w) {
      w = { id: randomUUID(), platform, externalId, nextIncidentNumber: 1 };
      this.workspaces.set(key, w);
    }
    return { id: w.id, platform: w.platform, externalId: w.externalId };
  }

  create(ws: Workspace, draft: NewIncident, first: FirstChange): Promise<{ state: IncidentState; created: boolean }> {
    const { grants = [], attach = [], schedule = [], events } = first;
    // The workspace's counter row is the lock that keeps numbers gap-free and declareKeys unique.
    return this.locked(`workspace:${ws.id}`, async () => {
      await roundTrip();
      const existing = this.findByDeclareKey(ws, draft.declareKey);
      if (existing) return { state: existing, created: false };
      const w = [...this.workspaces.values()].find((x) => x.id === ws.id);
      if (!w) throw new Error(`MemoryIncidentRepository: no workspace ${ws.id} (call workspace() first)`);
      const incident: Incident = {
        id: randomUUID(),
        workspaceId: ws.id,
        number: w.nextIncidentNumber,
        title: draft.title,
        severity: draft.severity,
        status: 'declared',
        areas: [...draft.areas],
        tenants: [...draft.tenants],
        channels: [...draft.channels],
        environments: [...draft.environments],
        integrityUncertain: draft.integrityUncertain,
        ...(draft.drill ? { drill: true } : {}),
        roomId: null,
        roomName: null,
        originRoomId: draft.originRoomId,
        declaredBy: draft.declaredBy,
        declaredAt: new Date(draft.declaredAt),
        lastUpdateAt: null,
        updatesMissed: 0,
        orgoCaseUrl: null,
        resolvedAt: null,
        seq: 0,
      };
      // Everything below is computed before anything is stored, so a failure writes nothing.
      const rows = this.chain(ws, incident.id, draft.declaredAt, events);
      w.nextIncidentNumber += 1;
      this.incidents.set(incident.id, { incident, declareKey: draft.declareKey });
      this.grant(ws, incident.id, grants, draft.declaredAt);
      this.attach(incident.id, attach);
      this.jobs(ws, incident.id, draft.declaredAt, [], schedule, undefined);
      this.events.set(incident.id, rows);
      return { state: this.load(ws, incident.id)!, created: true };
    });
  }

  async change<T>(
    ws: Workspace,
    incidentId: string,
    at: Date,
    decide: (state: IncidentState) => Change<T>,
  ): Promise<ChangeOutcome<T>> {
    if (!UUID.test(incidentId)) throw incidentNotFound();
    const key = nextChangeKey();
    return this.locked(`incident:${incidentId}`, async () => {
      await roundTrip();
      const before = this.load(ws, incidentId);
      if (!before) throw incidentNotFound();
      const first = key === null ? undefined : this.deliveries.get(`${ws.id}:${key}`);
      if (first) {
        if (first.incidentId !== incidentId) throw incidentNotFound();
        return { state: before, result: structuredClone(first.result) as T, changed: false, replayed: true };
      }
      await roundTrip();
      const c = decide(before);
      assertCoherent(before, c);
      const changed =
        [c.patch, c.complete, c.postmortem, c.followup, c.action].some((x) => x !== undefined) || [c.grants ?? [], c.attach ?? [], c.items ?? [], c.cancel ?? [], c.schedule ?? [], c.events].some((l) => l.length > 0);
      if (key !== null) this.deliveries.set(`${ws.id}:${key}`, { incidentId, result: structuredClone(c.result) });
      if (!changed) return { state: this.load(ws, incidentId)!, result: c.result, changed };
      const row = this.incidents.get(incidentId)!;
      const patch = Object.fromEntries(Object.entries(c.patch ?? {}).filter(([, v]) => v !== undefined));
      if (typeof patch.roomId === 'string') {
        // incidents has UNIQUE (workspace_id, room_id).
        for (const other of this.incidents.values()) {
          if (other.incident.workspaceId === ws.id && other.incident.id !== incidentId && other.incident.roomId === patch.roomId) {
            throw new Error('Unique constraint failed on the fields: (`workspace_id`,`room_id`)');
          }
        }
      }
      const rows = this.chain(ws, incidentId, at, c.events);
      Object.assign(row.incident, patch);
      this.grant(ws, incidentId, c.grants ?? [], at);
      this.attach(incidentId, c.attach ?? []);
      this.setItems(incidentId, c.items ?? []);
      this.jobs(ws, incidentId, at, c.cancel ?? [], c.schedule ?? [], c.complete);
      if (c.postmortem) {
        const { by: _by, ...fields } = c.postmortem;
        this.postmortems.set(incidentId, fields);
      }
      const list = this.followupRows.get(incidentId) ?? [];
      if (c.followup && 'add' in c.followup) list.push({ ...c.followup.add, doneAt: null, doneBy: null });
      if (c.followup && 'done' in c.followup) {
        const done = c.followup.done;
        for (const f of list) if (f.seq === done.seq && f.doneAt === null) Object.assign(f, { doneAt: new Date(at), doneBy: done.by });
      }
      this.followupRows.set(incidentId, list);
      const actions = this.actionRows.get(incidentId) ?? [];
      if (c.action && 'insert' in c.action) actions.push(structuredClone(c.action.insert));
      if (c.action && 'update' in c.action) {
        const { id, set } = c.action.update;
        const row = actions.find((r) => r.id === id);
        if (row) Object.assign(row, Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined && v !== null)));
      }
      this.actionRows.set(incidentId, actions);
      this.events.get(incidentId)!.push(...rows);
      return { state: this.load(ws, incidentId)!, result: c.result, changed };
    });
  }

  private readonly deliveries = new Map<string, { incidentId: string; result: unknown }>();
  private readonly postedViews = new Map<string, Record<string, PostedView>>();

  once<T>(key: string, work: () => Promise<T>): Promise<T> {
    return inDelivery(key, work);
  }

  async recordPosted(ws: Workspace, incidentId: string, shows: string, posted: PostedView): Promise<void> {
    await roundTrip();
    if (this.incidents.get(incidentId)?.incident.workspaceId !== ws.id) return;
    const views = this.postedViews.get(incidentId) ?? {};
    views[shows] = structuredClone(posted);
    this.postedViews.set(incidentId, views);
  }

  async claimRepaint(ws: Workspace, incidentId: string, shows: string, stamp: number): Promise<boolean> {
    await roundTrip();
    const view = this.incidents.get(incidentId)?.incident.workspaceId === ws.id ? this.postedViews.get(incidentId)?.[shows] : undefined;
    if (!view || view.stamp >= stamp) return false;
    view.stamp = stamp;
    return true;
  }

  async recordDigests(ws: Workspace, incidentId: string, shows: string, refs: PostedView['refs']): Promise<number> {
    await roundTrip();
    const view = this.incidents.get(incidentId)?.incident.workspaceId === ws.id ? this.postedViews.get(incidentId)?.[shows] : undefined;
    if (view) view.refs = view.refs.map((r, i) => (refs[i]?.ref === r.ref ? { ...r, digest: refs[i]!.digest } : r));
    return view?.stamp ?? 0;
  }

  async changeInRoom<T>(ws: Workspace, roomId: string, at: Date, decide: (state: IncidentState) => Change<T>): Promise<ChangeOutcome<T> | null> {
    const row = [...this.incidents.values()].find((r) => r.incident.workspaceId === ws.id && r.incident.roomId === roomId);
    if (!row) return null;
    return this.change(ws, row.incident.id, at, (s) => {
      if (s.incident.roomId !== roomId) throw incidentNotFound();
      return decide(s);
    });
  }

  async findById(ws: Workspace, incidentId: string): Promise<IncidentState | null> {
    await roundTrip();
    return UUID.test(incidentId) ? this.load(ws, incidentId) : null;
  }

  async findByRoom(ws: Workspace, roomId: string): Promise<IncidentState | null> {
    await roundTrip();
    for (const row of this.incidents.values()) {
      if (row.incident.workspaceId === ws.id && row.incident.roomId === roomId) return this.load(ws, row.incident.id);
    }
    return null;
  }

  async chainHead(ws: Workspace, incidentId: string) {
    const last = (await this.timeline(ws, incidentId)).at(-1);
    return last ? { seq: last.seq, hash: last.hash } : null;
  }

  async timeline(ws: Workspace, incidentId: string): Promise<TimelineEvent[]> {
    await roundTrip();
    if (!UUID.test(incidentId)) return [];
    return (this.events.get(incidentId) ?? [])
      .filter((e) => e.workspaceId === ws.id)
      .map(({ workspaceId: _w, ...e }) => structuredClone(e));
  }

  // ---- For tests: what is stored, beyond what the port exposes. ----

  /** Every incident of a workspace, by number. */
  listIncidents(ws: Workspace): IncidentState[] {
    return [...this.incidents.values()]
      .filter((r) => r.incident.workspaceId === ws.id)
      .sort((a, b) => a.incident.number - b.incident.number)
      .map((r) => this.load(ws, r.incident.id)!);
  }

  /** Every role assignment of an incident, ended ones included, in the order they were made. */
  roleHistory(ws: Workspace, incidentId: string): RoleAssignmentRow[] {
    return this.assignments.filter((a) => a.workspaceId === ws.id && a.incidentId === incidentId).map((a) => structuredClone(a));
  }

  /** Counts of every stored row, to show that a refused request wrote nothing anywhere. */
  counts(): { workspaces: number; incidents: number; assignments: number; events: number } {
    let events = 0;
    for (const list of this.events.values()) events += list.length;
    return { workspaces: this.workspaces.size, incidents: this.incidents.size, assignments: this.assignments.length, events };
  }

  // ---- Internals ----

  /** Runs `work` after every earlier holder of `key` has finished, whether it succeeded or not. */
  private locked<R>(key: string, work: () => Promise<R>): Promise<R> {
    const before = this.locks.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  private findByDeclareKey(ws: Workspace, declareKey: string): IncidentState | null {
    for (const row of this.incidents.values()) {
      if (row.incident.workspaceId === ws.id && row.declareKey === declareKey) return this.load(ws, row.incident.id);
    }
    return null;
  }

  /** A deep copy, so no caller can change what is stored except through the port. */
  private load(ws: Workspace, incidentId: string): IncidentState | null {
    const row = this.incidents.get(incidentId);
    if (!row || row.incident.workspaceId !== ws.id) return null;
    const holders: RoleHolder[] = this.assignments
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => a.workspaceId === ws.id && a.incidentId === incidentId && a.endedAt === null)
      .sort((x, y) => x.a.assignedAt.getTime() - y.a.assignedAt.getTime() || x.i - y.i)
      .map(({ a }) => ({ role: a.role, userId: a.userId, assignedBy: a.assignedBy, assignedAt: new Date(a.assignedAt) }));
    return {
      incident: { ...structuredClone(row.incident), seq: this.events.get(incidentId)?.at(-1)?.seq ?? 0 },
      holders,
      checklists: structuredClone(this.attached.get(incidentId) ?? []),
      items: structuredClone(this.items.get(incidentId) ?? {}),
      jobs: this.jobRows
        .filter((j) => j.incidentId === incidentId && j.doneAt === null)
        .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
        .map((j) => ({ id: j.id, kind: j.kind, dueAt: new Date(j.dueAt), data: structuredClone(j.data), leaseOwner: j.leaseOwner })),
      postmortem: structuredClone(this.postmortems.get(incidentId) ?? null),
      followups: structuredClone(this.followupRows.get(incidentId) ?? []),
      actions: structuredClone(this.actionRows.get(incidentId) ?? []),
      posted: structuredClone(this.postedViews.get(incidentId) ?? {}),
    };
  }

  async listOpen(ws: Workspace): Promise<IncidentState[]> {
    await roundTrip();
    return [...this.incidents.values()]
      .filter((r) => r.incident.workspaceId === ws.id && ['declared', 'investigating', 'mitigated'].includes(r.incident.status))
      .sort((a, b) => a.incident.declaredAt.getTime() - b.incident.declaredAt.getTime())
      .map((r) => this.load(ws, r.incident.id)!);
  }

  async completeJobs(at: Date, records: JobRecord[]): Promise<boolean[]> {
    // The same lock as change(), and the lease checked under it, as the database does; one record after
    // another, as the database chains several records of one incident.
    const out: boolean[] = [];
    for (const { ws, incidentId, ...c } of records) {
      if (!UUID.test(incidentId) || !this.load(ws, incidentId)) {
        out.push(false);
        continue;
      }
      const { result } = await this.change(ws, incidentId, at, (s) => {
        const mine = s.jobs.some((j) => j.id === c.complete.jobId && j.leaseOwner === c.complete.owner);
        return mine ? { ...c, result: true } : { events: [], result: false };
      });
      out.push(result);
    }
    return out;
  }

  async findMany(refs: { ws: Workspace; incidentId: string }[]): Promise<Map<string, IncidentState>> {
    await roundTrip();
    const found = refs.flatMap((r) => {
      const s = UUID.test(r.incidentId) ? this.load(r.ws, r.incidentId) : null;
      return s ? [[r.incidentId, s] as const] : [];
    });
    return new Map(found);
  }

  async claimDue(now: Date, owner: string, leaseUntil: Date, limit: number): Promise<Claim[]> {
    await roundTrip();
    const due = this.jobRows
      .filter((j) => j.doneAt === null && j.dueAt <= now && (j.leaseUntil === null || j.leaseUntil < now))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, limit);
    return due.map((j) => {
      const takenOver = j.leaseOwner !== null;
      j.leaseOwner = owner;
      j.leaseUntil = new Date(leaseUntil);
      j.attempts += 1;
      const w = [...this.workspaces.values()].find((x) => x.id === j.workspaceId)!;
      const ws = { id: w.id, platform: w.platform, externalId: w.externalId };
      return { id: j.id, ws, incidentId: j.incidentId, kind: j.kind, dueAt: new Date(j.dueAt), data: structuredClone(j.data), attempts: j.attempts, takenOver };
    });
  }

  async retryJob(jobId: string, owner: string, retryAt: Date, error: string): Promise<boolean> {
    await roundTrip();
    const j = this.jobRows.find((x) => x.id === jobId && x.leaseOwner === owner && x.doneAt === null);
    if (!j) return false;
    Object.assign(j, { leaseOwner: null, leaseUntil: new Date(retryAt), lastError: error });
    return true;
  }

  private jobs(ws: Workspace, incidentId: string, at: Date, cancel: string[], schedule: NewJob[], complete: JobCompletion | undefined): void {
    for (const j of this.jobRows) {
      if (j.incidentId !== incidentId || j.doneAt !== null) continue;
      if (cancel.includes(j.kind)) Object.assign(j, { doneAt: new Date(at), outcome: 'superseded', leaseOwner: null, leaseUntil: null });
      else if (complete && j.id === complete.jobId && j.leaseOwner === complete.owner) {
        Object.assign(j, { doneAt: new Date(at), outcome: complete.outcome, leaseUntil: null, lastError: complete.error ?? j.lastError });
      }
    }
    for (const n of schedule) {
      this.jobRows.push({ id: randomUUID(), workspaceId: ws.id, incidentId, kind: n.kind, dueAt: new Date(n.dueAt), data: structuredClone(n.data ?? {}), leaseOwner: null, leaseUntil: null, doneAt: null, outcome: null, attempts: 0, lastError: null });
    }
  }

  private attach(incidentId: string, attach: Attachment[]): void {
    const list = this.attached.get(incidentId) ?? [];
    for (const a of attach) if (!list.some((x) => x.checklistId === a.checklistId)) list.push({ checklistId: a.checklistId });
    this.attached.set(incidentId, list);
  }

  private setItems(incidentId: string, updates: ItemUpdate[]): void {
    const items = this.items.get(incidentId) ?? {};
    for (const u of updates) {
      if (u.state.status === 'open') delete items[u.itemId];
      else items[u.itemId] = structuredClone(u.state);
    }
    this.items.set(incidentId, items);
  }

  /** Ends the current holder of each granted role and records the new one. */
  private grant(ws: Workspace, incidentId: string, grants: RoleGrant[], at: Date): void {
    for (const g of grants) {
      for (const a of this.assignments) {
        if (a.workspaceId === ws.id && a.incidentId === incidentId && a.role === g.role && a.endedAt === null) {
          a.endedAt = new Date(at);
          a.endedBy = g.by;
        }
      }
      this.assignments.push({
        id: randomUUID(),
        workspaceId: ws.id,
        incidentId,
        role: g.role,
        userId: g.userId,
        assignedBy: g.by,
        assignedAt: new Date(at),
        endedAt: null,
        endedBy: null,
      });
    }
  }

  /** The rows that append `events` after the incident's last one, each hashed onto the one before. */
  private chain(ws: Workspace, incidentId: string, at: Date, events: NewEvent[]): EventRow[] {
    const existing = this.events.get(incidentId) ?? [];
    const last = existing[existing.length - 1];
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    return events.map((e) => {
      seq += 1;
      const fields = { incidentId, seq, type: e.type, actor: e.actor, data: e.data, occurredAt: new Date(at) };
      const hash = hashEvent(prevHash, fields, this.timelineKey);
      const row: EventRow = { id: randomUUID(), workspaceId: ws.id, ...fields, data: asJsonb(e.data), prevHash, hash };
      prevHash = hash;
      return row;
    });
  }
}
