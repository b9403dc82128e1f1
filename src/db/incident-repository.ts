// IncidentRepository over Prisma. Every query names the workspace; every change locks the
// incident row first, so decisions, role grants and the hash chain never race.
import { randomUUID } from 'node:crypto';
import { incidentNotFound } from '../core/errors.js';
import type { IncidentState, Platform, PostedView, Workspace } from '../core/incidents/model.js';
import type { Change, ChangeOutcome, Claim, FirstChange, IncidentRepository, JobRecord, NewIncident } from '../core/ports.js';
import { assertCoherent } from '../core/change-rules.js';
import { GENESIS_HASH } from '../core/timeline/chain.js';
import { Prisma } from '../../prisma/generated/client.js';
import { countRefusals } from '../metrics.js';
import type pg from 'pg';
import { poolOf, type Db } from './client.js';
import { LOAD_ROOM_STATE_SQL, LOAD_STATE_SQL, LOAD_STATES_SQL, stateRow, type Loaded } from './state-sql.js';
import { recordJobs } from './job-records.js';
import { inDelivery, nextChangeKey, revive } from './delivery.js';
import { applyChange, toPosted, toActionRequest, toEvent, toFollowup, toHolder, toIncident, toItemState, toPostmortem } from './incident-mapping.js';
import { chainEvents, type Head } from './timeline-rows.js';
import {
  cancelJobs,
  completeJob,
  endHolders,
  insertAttachments,
  insertEvents,
  insertGrants,
  insertJobs,
  upsertItems,
  upsertPostmortem,
  writeAction,
  writeFollowup,
} from './change-sql.js';

type Tx = Prisma.TransactionClient;

/** The relations an IncidentState is made of: current holders, checklists, steps, pending jobs, §9 data, actions. */
const STATE_INCLUDE = {
  roles: { where: { endedAt: null }, orderBy: { assignedAt: 'asc' } },
  checklists: { orderBy: { attachedAt: 'asc' }, select: { checklistId: true } },
  items: { where: { status: { not: 'open' } } },
  jobs: { where: { doneAt: null }, orderBy: { dueAt: 'asc' }, select: { id: true, kind: true, dueAt: true, data: true, leaseOwner: true } },
  postmortem: true,
  followups: { orderBy: { seq: 'asc' } },
  actions: { orderBy: { seq: 'asc' } },
  messages: true,
} satisfies Prisma.IncidentInclude;

function toState(row: Prisma.IncidentGetPayload<{ include: typeof STATE_INCLUDE }>): IncidentState {
  return {
    incident: toIncident(row),
    holders: row.roles.map(toHolder),
    checklists: row.checklists,
    items: Object.fromEntries(row.items.map((i) => [i.itemId, toItemState(i)])),
    jobs: row.jobs.map((j) => ({ ...j, data: j.data as Record<string, unknown> })),
    postmortem: row.postmortem ? toPostmortem(row.postmortem) : null,
    followups: row.followups.map(toFollowup),
    actions: row.actions.map(toActionRequest),
    posted: toPosted(row.messages),
  };
}

export const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** A raw statement refused by a unique index (Prisma reports raw failures with the database's code). */
const isRawUniqueViolation = (e: unknown) =>
  isUniqueViolation(e) ||
  (e as { code?: unknown } | null)?.code === '23505' || (e instanceof Prisma.PrismaClientKnownRequestError && /23505|unique constraint/i.test(`${JSON.stringify(e.meta ?? {})} ${e.message}`));

const WORKSPACE = { id: true, platform: true, externalId: true } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One statement writes a change: grants, attachments, steps, jobs, postmortem, follow-ups, actions,
 * events and the incident (its patch and chain head). */
function writeStatement(timelineKey: string, ws: Workspace, incidentId: string, at: Date, head: Head, c: Omit<Change<unknown>, 'result'>, delivered?: { key: string; result: unknown }) {
  const grants = c.grants ?? [];
  const chained = chainEvents(timelineKey, incidentId, head, at, c.events);
  const p = c.patch ?? {};
  // A patch sets values and never clears one, except resolvedAt: null (a reopen).
  const sql = Prisma.sql`
    WITH ended AS (${endHolders(ws.id, incidentId, at, grants)}
    ), granted AS (${insertGrants(ws.id, incidentId, at, grants)}
    ), attached AS (${insertAttachments(ws.id, incidentId, at, c.attach ?? [])}
    ), items AS (${upsertItems(ws.id, incidentId, at, c.items ?? [])}
    ), cancelled AS (${cancelJobs(ws.id, incidentId, at, c.cancel ?? [])}
    ), scheduled AS (${insertJobs(ws.id, incidentId, c.schedule ?? [])}
    ), completed AS (${completeJob(at, c.complete)}
    ), pm AS (${upsertPostmortem(ws.id, incidentId, at, c.postmortem)}
    ), fu AS (${writeFollowup(ws.id, incidentId, at, c.followup)}
    ), ac AS (${writeAction(ws.id, incidentId, c.action)}
    ), events AS (${insertEvents(ws.id, incidentId, at, chained.rows)}
    ), delivered AS (${
      delivered
        ? Prisma.sql`UPDATE deliveries SET result = ${JSON.stringify(delivered.result)}::jsonb WHERE workspace_id = ${ws.id}::uuid AND key = ${delivered.key} RETURNING 1`
        : Prisma.sql`SELECT 1`
    }
    )
    UPDATE incidents SET
      severity = COALESCE(${p.severity ?? null}::"Severity", severity),
      status = COALESCE(${p.status ?? null}::"IncidentStatus", status),
      room_id = COALESCE(${p.roomId ?? null}, room_id),
      room_name = COALESCE(${p.roomName ?? null}, room_name),
      last_update_at = COALESCE(${p.lastUpdateAt ?? null}::timestamptz, last_update_at),
      updates_missed = COALESCE(${p.updatesMissed ?? null}::int, updates_missed),
      orgo_case_url = COALESCE(${p.orgoCaseUrl ?? null}, orgo_case_url),
      resolved_at = CASE WHEN ${p.resolvedAt === null} THEN NULL ELSE COALESCE(${p.resolvedAt ?? null}::timestamptz, resolved_at) END,
      timeline_seq = ${chained.head.seq}, timeline_head = ${chained.head.hash}, updated_at = now()
    WHERE id = ${incidentId}::uuid AND workspace_id = ${ws.id}::uuid`;
  return { sql, head: chained.head };
}

export class PrismaIncidentRepository implements IncidentRepository {
  private readonly pool: pg.Pool;

  /** `timelineKey` keys every event this repository appends (see src/db/timeline-key.ts). */
  constructor(
    private readonly db: Db,
    private readonly timelineKey: string,
  ) {
    this.pool = poolOf(db);
  }

  /** Workspaces are never deleted or renamed, so a resolved one is kept for the process's life. */
  private readonly workspaces = new Map<string, Workspace>();

  async knownWorkspace(platform: Platform, externalId: string): Promise<Workspace | undefined> {
    const key = `${platform}:${externalId}`;
    const known = this.workspaces.get(key);
    if (known) return known;
    const ws = await this.db.workspace.findUnique({ where: { platform_externalId: { platform, externalId } }, select: WORKSPACE });
    if (ws) this.workspaces.set(key, ws);
    return ws ?? undefined;
  }

  async workspace(platform: Platform, externalId: string): Promise<Workspace> {
    const known = await this.knownWorkspace(platform, externalId);
    if (known) return known;
    const where = { platform_externalId: { platform, externalId } };
    let ws: Workspace;
    try {
      ws = await this.db.workspace.create({ data: { platform, externalId }, select: WORKSPACE });
    } catch (e) {
      // A workspace's first requests can arrive together: whoever lost the insert reads the winner's row.
      if (!isUniqueViolation(e)) throw e;
      ws = await this.db.workspace.findUniqueOrThrow({ where, select: WORKSPACE });
    }
    this.workspaces.set(`${platform}:${externalId}`, ws);
    return ws;
  }

  async create(ws: Workspace, draft: NewIncident, first: FirstChange) {
    const { grants = [], attach = [], schedule = [], events } = first;
    // One statement: take the next number, insert the incident, its roles and its first events.
    // The number is only taken when the declare key is new, so a retried submission leaves no gap.
    const id = randomUUID();
    const chained = chainEvents(this.timelineKey, id, { seq: 0, hash: GENESIS_HASH }, draft.declaredAt, events);
    const inserted = Prisma.sql`EXISTS (SELECT 1 FROM i)`;
    const statement = Prisma.sql`
      WITH n AS (
        UPDATE workspaces SET next_incident_number = next_incident_number + 1
        WHERE id = ${ws.id}::uuid
          AND NOT EXISTS (SELECT 1 FROM incidents WHERE workspace_id = ${ws.id}::uuid AND declare_key = ${draft.declareKey})
        RETURNING next_incident_number - 1 AS number
      ), i AS (
        INSERT INTO incidents (id, workspace_id, number, title, severity, areas, tenants, channels, environments,
          integrity_uncertain, drill, origin_room_id, declare_key, declared_by, declared_at, timeline_seq, timeline_head, updated_at)
        SELECT ${id}::uuid, ${ws.id}::uuid, n.number, ${draft.title}, ${draft.severity}::"Severity", ${draft.areas}::"AffectedArea"[],
          ${draft.tenants}::text[], ${draft.channels}::text[], ${draft.environments}::text[], ${draft.integrityUncertain}, ${draft.drill ?? false},
          ${draft.originRoomId}, ${draft.declareKey}, ${draft.declaredBy}, ${draft.declaredAt}, ${chained.head.seq}, ${chained.head.hash}, now()
        FROM n
        ON CONFLICT (workspace_id, declare_key) DO NOTHING
        RETURNING id, number
      ), r AS (${insertGrants(ws.id, id, draft.declaredAt, grants, inserted)}
      ), a AS (${insertAttachments(ws.id, id, draft.declaredAt, attach, inserted)}
      ), j AS (${insertJobs(ws.id, id, schedule, inserted)}
      ), e AS (${insertEvents(ws.id, id, draft.declaredAt, chained.rows, inserted)}
      )
      SELECT number FROM i`;
    const row = (await this.pool.query<{ number: number }>(statement.text, statement.values)).rows[0];
    if (row) {
      const { declareKey: _k, ...fields } = draft;
      const incident = { ...fields, id, workspaceId: ws.id, number: row.number, status: 'declared' as const, roomId: null, roomName: null, lastUpdateAt: null, updatesMissed: 0, orgoCaseUrl: null, resolvedAt: null, seq: chained.head.seq };
      const empty = { incident, holders: [], checklists: [], items: {}, jobs: [], postmortem: null, followups: [], actions: [], posted: {} };
      return { state: applyChange(empty, { grants, attach, schedule }, draft.declaredAt), created: true };
    }
    // The key was declared before (a resubmission, a retry or a concurrent twin): answer with that incident.
    const state = await this.findByDeclareKey(ws, draft.declareKey);
    if (!state) throw new Error(`declare key ${draft.declareKey} neither inserted nor found`);
    return { state, created: false };
  }

  once<T>(key: string, work: () => Promise<T>): Promise<T> {
    return inDelivery(key, work);
  }

  /**
   * Two round trips on one pipelined connection: BEGIN, the lock (with the delivery claim) and the
   * state load go out together, the core decides, then the write and COMMIT go out together.
   */
  change<T>(ws: Workspace, incidentId: string, at: Date, decide: (s: IncidentState) => Change<T>): Promise<ChangeOutcome<T>> {
    if (!UUID.test(incidentId)) throw incidentNotFound();
    return this.changeWhere(ws, { incidentId }, at, decide).then((out) => {
      if (!out) throw incidentNotFound();
      return out;
    });
  }

  changeInRoom<T>(ws: Workspace, roomId: string, at: Date, decide: (s: IncidentState) => Change<T>): Promise<ChangeOutcome<T> | null> {
    return this.changeWhere(ws, { roomId }, at, decide);
  }

  /**
   * Two round trips on one pipelined connection: BEGIN, the lock (with the delivery claim) and the
   * state load go out together, the core decides, then the write and COMMIT go out together. The
   * incident is named by id, or by its room; null when there is no such incident in the workspace.
   */
  private async changeWhere<T>(ws: Workspace, at: { incidentId: string } | { roomId: string }, when: Date, decide: (s: IncidentState) => Change<T>): Promise<ChangeOutcome<T> | null> {
    const key = nextChangeKey();
    const where = 'incidentId' in at ? Prisma.sql`id = ${at.incidentId}::uuid` : Prisma.sql`room_id = ${at.roomId}`;
    try {
      return await this.pipelined(async (client) => {
        // The row lock serialises every change to one incident: decisions see the latest state and the
        // hash chain has a single writer. A keyed change first claims its delivery: a second delivery
        // of the same key waits for the first to commit, then fails on the unique key and replays.
        const claim = key
          ? Prisma.sql`WITH d AS (INSERT INTO deliveries (workspace_id, key, incident_id, at)
              SELECT ${ws.id}::uuid, ${key}, id, ${when} FROM incidents WHERE ${where} AND workspace_id = ${ws.id}::uuid)`
          : Prisma.empty;
        const lock = Prisma.sql`${claim}
          SELECT id, timeline_seq AS seq, timeline_head AS hash FROM incidents
          WHERE ${where} AND workspace_id = ${ws.id}::uuid FOR UPDATE`;
        const [, locked, loaded] = await Promise.all([
          client.query('BEGIN'),
          client.query<Head & { id: string }>(lock.text, lock.values),
          'incidentId' in at
            ? client.query<{ state: Loaded }>(LOAD_STATE_SQL, [at.incidentId, ws.id])
            : client.query<{ state: Loaded }>(LOAD_ROOM_STATE_SQL, [at.roomId, ws.id]),
        ]);
        if (locked.rows.length === 0 || loaded.rows.length === 0) {
          await client.query('COMMIT');
          return null;
        }
        const { id: incidentId, ...head } = locked.rows[0]!;
        const before = toState(stateRow(loaded.rows[0]!.state));
        const c = decide(before);
        assertCoherent(before, c);
        const grants = c.grants ?? [];
        const changed =
          [c.patch, c.complete, c.postmortem, c.followup, c.action].some((x) => x !== undefined) || [grants, c.attach ?? [], c.items ?? [], c.cancel ?? [], c.schedule ?? [], c.events].some((l) => l.length > 0);
        const delivered = key ? { key, result: c.result ?? null } : undefined;
        if (!changed) {
          const record = delivered ? Prisma.sql`UPDATE deliveries SET result = ${JSON.stringify(delivered.result)}::jsonb WHERE workspace_id = ${ws.id}::uuid AND key = ${delivered.key}` : null;
          await Promise.all([...(record ? [client.query(record.text, record.values)] : []), client.query('COMMIT')]);
          return { state: before, result: c.result, changed };
        }
        const { sql, head: after } = writeStatement(this.timelineKey, ws, incidentId, when, head, c, delivered);
        await Promise.all([client.query(sql.text, sql.values), client.query('COMMIT')]);
        countRefusals(c.events);
        const next = applyChange(before, c, when);
        return { state: { ...next, incident: { ...next.incident, seq: after.seq } }, result: c.result, changed };
      });
    } catch (e) {
      if (!key || !isRawUniqueViolation(e)) throw e;
    }
    // A replayed delivery (the only way here) reads after its connection is back in the pool, so
    // replays on a full pool never wait for themselves.
    return this.replay<T>(ws, 'incidentId' in at ? at.incidentId : undefined, key);
  }

  /**
   * One transaction on a pooled connection of its own, whose statements `work` sends back to back
   * (pipelined: a batch costs one round trip) and ends with COMMIT. A failed statement aborts the
   * transaction, and a COMMIT behind it then only ends it; any failure is rolled back and rethrown,
   * with the connection back in the pool.
   */
  private async pipelined<R>(work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (e) {
      await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** A delivery handled before: its first result, on the state as it is now (of the incident it changed). */
  private async replay<T>(ws: Workspace, incidentId: string | undefined, key: string): Promise<ChangeOutcome<T>> {
    const first = await this.db.delivery.findUnique({ where: { workspaceId_key: { workspaceId: ws.id, key } }, select: { incidentId: true, result: true } });
    if (!first?.incidentId || (incidentId !== undefined && first.incidentId !== incidentId)) throw incidentNotFound();
    const state = await this.load(this.db, ws, first.incidentId);
    if (!state) throw incidentNotFound();
    return { state, result: revive(first.result) as T, changed: false, replayed: true };
  }

  completeJobs(at: Date, records: JobRecord[]): Promise<boolean[]> {
    // A malformed id names no row: false, without asking the database.
    const valid = records.flatMap((r, n) => (UUID.test(r.incidentId) && UUID.test(r.complete.jobId) ? [n] : []));
    if (valid.length === 0) return Promise.resolve(records.map(() => false));
    return this.pipelined(async (client) => {
      const recorded = await recordJobs(client, this.timelineKey, at, valid.map((n) => records[n]!));
      const out = records.map(() => false);
      valid.forEach((n, k) => (out[n] = recorded[k]!));
      return out;
    });
  }

  /** One statement on the pool: a scheduler's claimed batch. */
  async findMany(refs: { ws: Workspace; incidentId: string }[]) {
    const valid = refs.filter((r) => UUID.test(r.incidentId));
    if (valid.length === 0) return new Map<string, IncidentState>();
    const { rows } = await this.pool.query<{ state: Loaded }>(LOAD_STATES_SQL, [valid.map((r) => r.incidentId), valid.map((r) => r.ws.id)]);
    return new Map(rows.map((r) => {
      const state = toState(stateRow(r.state));
      return [state.incident.id, state];
    }));
  }

  /** One statement: the view's parts are upserted, and parts past its new count are removed. */
  async recordPosted(ws: Workspace, incidentId: string, shows: string, posted: PostedView) {
    const parts = posted.refs.map((r, part) => ({ part, ref: r.ref, digest: r.digest }));
    const statement = Prisma.sql`
      WITH gone AS (
        DELETE FROM room_messages WHERE workspace_id = ${ws.id}::uuid AND incident_id = ${incidentId}::uuid AND shows = ${shows} AND part >= ${parts.length}
      )
      INSERT INTO room_messages (workspace_id, incident_id, shows, part, surface, room_id, ref, digest, stamp)
      SELECT ${ws.id}::uuid, ${incidentId}::uuid, ${shows}, g.part, ${ws.platform}::"Platform", ${posted.roomId}, g.ref, g.digest, ${posted.stamp}
      FROM jsonb_to_recordset(${JSON.stringify(parts)}::jsonb) AS g(part int, ref text, digest text)
      ON CONFLICT (incident_id, shows, part) DO UPDATE
        SET surface = EXCLUDED.surface, room_id = EXCLUDED.room_id, ref = EXCLUDED.ref, digest = EXCLUDED.digest, stamp = EXCLUDED.stamp
        WHERE room_messages.workspace_id = EXCLUDED.workspace_id`;
    await this.pool.query(statement.text, statement.values);
  }

  // Repaints run on every change: claim and digests go to the pool directly, without Prisma's per-query cost.
  async claimRepaint(ws: Workspace, incidentId: string, shows: string, stamp: number) {
    if (!UUID.test(incidentId)) return false;
    const { rowCount } = await this.pool.query('UPDATE room_messages SET stamp = $1 WHERE workspace_id = $2::uuid AND incident_id = $3::uuid AND shows = $4 AND stamp < $1', [stamp, ws.id, incidentId, shows]);
    return (rowCount ?? 0) > 0;
  }

  async recordDigests(ws: Workspace, incidentId: string, shows: string, refs: PostedView['refs']) {
    const parts = refs.map((r, part) => ({ part, ref: r.ref, digest: r.digest }));
    const { rows } = await this.pool.query<{ stamp: number }>(
      `WITH given AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(part int, ref text, digest text)),
      set AS (
        UPDATE room_messages m SET digest = given.digest FROM given
        WHERE m.workspace_id = $2::uuid AND m.incident_id = $3::uuid AND m.shows = $4 AND m.part = given.part AND m.ref = given.ref
      )
      SELECT COALESCE(MAX(stamp), 0)::int AS stamp FROM room_messages
      WHERE workspace_id = $2::uuid AND incident_id = $3::uuid AND shows = $4`,
      [JSON.stringify(parts), ws.id, incidentId, shows],
    );
    return rows[0]?.stamp ?? 0;
  }

  /** One statement on the pool, as findByRoom: a repaint that was overtaken reads the state again. */
  async findById(ws: Workspace, incidentId: string) {
    if (!UUID.test(incidentId)) return null;
    const { rows } = await this.pool.query<{ state: Loaded }>(LOAD_STATE_SQL, [incidentId, ws.id]);
    return rows[0] ? toState(stateRow(rows[0].state)) : null;
  }

  /** One statement on the pool: commands and forms find their incident by room on every request. */
  async findByRoom(ws: Workspace, roomId: string) {
    const { rows } = await this.pool.query<{ state: Loaded }>(LOAD_ROOM_STATE_SQL, [roomId, ws.id]);
    return rows[0] ? toState(stateRow(rows[0].state)) : null;
  }

  async timeline(ws: Workspace, incidentId: string) {
    if (!UUID.test(incidentId)) return [];
    const rows = await this.db.timelineEvent.findMany({ where: { workspaceId: ws.id, incidentId }, orderBy: { seq: 'asc' } });
    return rows.map(toEvent);
  }

  async claimDue(now: Date, owner: string, leaseUntil: Date, limit: number): Promise<Claim[]> {
    // One statement: SKIP LOCKED lets concurrent claimers pass over each other's rows (and over a job
    // whose owner is recording it), and the lease keeps a claimed job away from them after commit until
    // its owner finishes or dies. An expired lease that still names an owner is a takeover; a job
    // waiting out its backoff holds a lease with no owner.
    const rows = await this.db.$queryRaw<
      { id: string; workspace_id: string; platform: Platform; external_id: string; incident_id: string; kind: string; due_at: Date; data: Record<string, unknown>; attempts: number; taken_over: boolean }[]
    >`
      WITH due AS (
        SELECT id, lease_owner AS previous_owner FROM jobs
        WHERE done_at IS NULL AND due_at <= ${now} AND (lease_until IS NULL OR lease_until < ${now})
        ORDER BY due_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j SET lease_owner = ${owner}, lease_until = ${leaseUntil}, attempts = j.attempts + 1
      FROM due, workspaces w
      WHERE j.id = due.id AND w.id = j.workspace_id
      RETURNING j.id, j.workspace_id, w.platform, w.external_id, j.incident_id, j.kind, j.due_at, j.data, j.attempts,
        due.previous_owner IS NOT NULL AS taken_over`;
    return rows.map((r) => ({
      id: r.id,
      ws: { id: r.workspace_id, platform: r.platform, externalId: r.external_id },
      incidentId: r.incident_id,
      kind: r.kind,
      dueAt: r.due_at,
      data: r.data,
      attempts: r.attempts,
      takenOver: r.taken_over,
    }));
  }

  async chainHead(ws: Workspace, incidentId: string) {
    if (!UUID.test(incidentId)) return null;
    const row = await this.db.incident.findUnique({ where: { workspaceId_id: { workspaceId: ws.id, id: incidentId } }, select: { timelineSeq: true, timelineHead: true } });
    return row ? { seq: row.timelineSeq, hash: row.timelineHead } : null;
  }

  /**
   * Seals chains begun before keys: each incident with no keyed event gets one (`timeline.keyed`), so
   * its plain events are pinned by the key. Runs at start-up; returns how many it sealed.
   */
  async sealUnkeyedChains(at: Date): Promise<number> {
    const rows = await this.db.incident.findMany({
      // A chain with no events at all has nothing unkeyed to seal.
      where: { keyedFrom: { gt: this.db.incident.fields.timelineSeq }, timelineSeq: { gt: 0 } },
      select: { id: true, workspace: { select: { id: true, platform: true, externalId: true } } },
    });
    let sealed = 0;
    for (const r of rows) {
      await this.db.$transaction(async (tx) => {
        // Re-read under the row lock: a replica starting at the same time may have sealed it already.
        const head = await tx.$queryRaw<Head[]>`
          SELECT timeline_seq AS seq, timeline_head AS hash FROM incidents
          WHERE id = ${r.id}::uuid AND keyed_from > timeline_seq AND timeline_seq > 0 FOR UPDATE`;
        if (head.length === 0) return;
        await tx.$executeRaw(writeStatement(this.timelineKey, r.workspace, r.id, at, head[0]!, { events: [{ type: 'timeline.keyed', actor: null, data: { unkeyedEvents: head[0]!.seq } }] }).sql);
        sealed += 1;
      });
    }
    return sealed;
  }

  async retryJob(jobId: string, owner: string, retryAt: Date, error: string): Promise<boolean> {
    const n = await this.db.$executeRaw`
      UPDATE jobs SET lease_owner = NULL, lease_until = ${retryAt}, last_error = ${error}
      WHERE id = ${jobId}::uuid AND lease_owner = ${owner} AND done_at IS NULL`;
    return n === 1;
  }

  async listOpen(ws: Workspace) {
    const rows = await this.db.incident.findMany({
      where: { workspaceId: ws.id, status: { in: ['declared', 'investigating', 'mitigated'] } },
      orderBy: { declaredAt: 'asc' },
      select: { id: true },
      take: 100,
    });
    const states = await Promise.all(rows.map((r) => this.load(this.db, ws, r.id)));
    return states.filter((s): s is IncidentState => s !== null);
  }

  private async findByDeclareKey(ws: Workspace, declareKey: string) {
    const row = await this.db.incident.findUnique({ where: { workspaceId_declareKey: { workspaceId: ws.id, declareKey } }, select: { id: true } });
    return row ? this.load(this.db, ws, row.id) : null;
  }

  private async load(db: Tx | Db, ws: Workspace, incidentId: string): Promise<IncidentState | null> {
    const row = await db.incident.findUnique({
      // One query with joins instead of one per relation.
      relationLoadStrategy: 'join',
      where: { workspaceId_id: { workspaceId: ws.id, id: incidentId } },
      include: STATE_INCLUDE,
    });
    return row ? toState(row) : null;
  }



}
