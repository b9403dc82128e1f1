// A scheduler's batch of job outcomes in two round trips on one pipelined connection, whatever the
// batch's size: BEGIN with the locks of its incidents and jobs, then one write statement with COMMIT.
// Every row is named with its workspace, as everywhere else.
//
// Locks: the incidents first, as every change takes its incident's lock first, then the jobs whose
// lease is still their owner's; both in id order, so two batches sharing incidents (two replicas'
// jobs of one incident) wait for each other instead of deadlocking. A claim skips locked jobs, so
// no takeover can slip in between the check of a lease and the write.
import type pg from 'pg';
import { assertCoherent } from '../core/change-rules.js';
import type { JobRecord } from '../core/ports.js';
import { chainEvents, type Head } from './timeline-rows.js';

const LOCK_INCIDENTS_SQL = `
  SELECT i.id, i.timeline_seq AS seq, i.timeline_head AS hash
  FROM incidents i JOIN unnest($1::uuid[], $2::uuid[]) AS v(id, ws) ON i.id = v.id AND i.workspace_id = v.ws
  ORDER BY i.id FOR UPDATE OF i`;

const LOCK_JOBS_SQL = `
  SELECT j.id FROM jobs j
  JOIN unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) AS v(id, ws, incident, owner)
    ON j.id = v.id AND j.workspace_id = v.ws AND j.incident_id = v.incident AND j.lease_owner = v.owner
  WHERE j.done_at IS NULL
  ORDER BY j.id FOR UPDATE OF j`;

// Sibling CTEs see one snapshot and touch disjoint rows: events and next jobs are inserted, the jobs
// recorded are ended, and each incident is updated once (its patch and its chain head).
const WRITE_SQL = `
  WITH events AS (
    INSERT INTO timeline_events (id, workspace_id, incident_id, seq, type, actor, data, occurred_at, prev_hash, hash)
    SELECT gen_random_uuid(), e.ws, e.incident, e.seq, e.type, e.actor, e.data, $1::timestamptz, e.prev_hash, e.hash
    FROM jsonb_to_recordset($2::jsonb) AS e(ws uuid, incident uuid, seq int, type text, actor text, data jsonb, prev_hash text, hash text)
  ), scheduled AS (
    INSERT INTO jobs (id, workspace_id, incident_id, kind, due_at, data)
    SELECT gen_random_uuid(), n.ws, n.incident, n.kind, n.due_at, n.data
    FROM jsonb_to_recordset($3::jsonb) AS n(ws uuid, incident uuid, kind text, due_at timestamptz, data jsonb)
  ), completed AS (
    UPDATE jobs j SET done_at = $1::timestamptz, outcome = c.outcome, lease_until = NULL, last_error = COALESCE(c.error, j.last_error)
    FROM jsonb_to_recordset($4::jsonb) AS c(id uuid, ws uuid, owner text, outcome text, error text)
    WHERE j.id = c.id AND j.workspace_id = c.ws AND j.lease_owner = c.owner AND j.done_at IS NULL
  )
  UPDATE incidents i SET updates_missed = COALESCE(h.missed, i.updates_missed), timeline_seq = h.seq, timeline_head = h.hash, updated_at = now()
  FROM jsonb_to_recordset($5::jsonb) AS h(id uuid, ws uuid, seq int, hash text, missed int)
  WHERE i.id = h.id AND i.workspace_id = h.ws`;

/**
 * Records `records` (see IncidentRepository.completeJobs) on `client`, a pipelined connection of its
 * own; the caller rolls back on a failure. Several records of one incident extend its chain in turn.
 */
export async function recordJobs(client: pg.PoolClient, timelineKey: string, at: Date, records: JobRecord[]): Promise<boolean[]> {
  const incidents = new Map(records.map((r) => [r.incidentId, r.ws.id]));
  const [, locked, leased] = await Promise.all([
    client.query('BEGIN'),
    client.query<Head & { id: string }>(LOCK_INCIDENTS_SQL, [[...incidents.keys()], [...incidents.values()]]),
    client.query<{ id: string }>(LOCK_JOBS_SQL, [
      records.map((r) => r.complete.jobId),
      records.map((r) => r.ws.id),
      records.map((r) => r.incidentId),
      records.map((r) => r.complete.owner),
    ]),
  ]);
  const heads = new Map(locked.rows.map(({ id, ...head }) => [id, head]));
  const mine = new Set(leased.rows.map((j) => j.id));
  // A job named twice is recorded once.
  const recorded = records.map((r) => heads.has(r.incidentId) && mine.delete(r.complete.jobId));
  if (!recorded.includes(true)) {
    await client.query('COMMIT');
    return recorded;
  }
  const events: object[] = [];
  const scheduled: object[] = [];
  const completed: object[] = [];
  const missed = new Map<string, number>();
  for (const [n, r] of records.entries()) {
    if (!recorded[n]) continue;
    assertCoherent({ jobs: [] }, r);
    const chained = chainEvents(timelineKey, r.incidentId, heads.get(r.incidentId)!, at, r.events);
    heads.set(r.incidentId, chained.head);
    const where = { ws: r.ws.id, incident: r.incidentId };
    events.push(...chained.rows.map((e) => ({ ...where, seq: e.seq, type: e.type, actor: e.actor, data: e.data, prev_hash: e.prevHash, hash: e.hash })));
    scheduled.push(...(r.schedule ?? []).map((j) => ({ ...where, kind: j.kind, due_at: j.dueAt, data: j.data ?? {} })));
    completed.push({ id: r.complete.jobId, ws: r.ws.id, owner: r.complete.owner, outcome: r.complete.outcome, error: r.complete.error ?? null });
    if (r.patch?.updatesMissed !== undefined) missed.set(r.incidentId, r.patch.updatesMissed);
  }
  const touched = [...new Set(records.filter((_, n) => recorded[n]).map((r) => r.incidentId))].map((id) => ({
    id,
    ws: incidents.get(id),
    ...heads.get(id)!,
    missed: missed.get(id) ?? null,
  }));
  const params = [at, events, scheduled, completed, touched].map((p) => (p instanceof Date ? p : JSON.stringify(p)));
  await Promise.all([client.query(WRITE_SQL, params), client.query('COMMIT')]);
  return recorded;
}
