// SQL pieces of the repository's write statements: a change's role grants, checklist attachments,
// step states and timeline events are written with arrays (unnest), so one round trip writes them all.
//
// The single statement relies on these PostgreSQL rules:
// - Sibling CTEs of one statement run on one snapshot: none sees the rows another inserts or updates,
//   so no piece may read what another writes (each takes its inputs from the change itself).
// - A row updated twice in one statement has no defined winner: a change touches each row once
//   (one state per step, one grant per role: assertCoherent refuses anything else).
// - Data-modifying CTEs run whether or not the outer query reads them; their order is unspecified.
// - The incident row is locked (FOR UPDATE) before the statement, so the chain head it extends is
//   the latest, and a patch's COALESCE cannot clear a value (a null is refused before writing).
import { randomUUID } from 'node:crypto';
import type { Attachment, Change, ItemUpdate, NewJob, RoleGrant } from '../core/ports.js';
import { Prisma } from '../../prisma/generated/client.js';
import type { EventRow } from './timeline-rows.js';

const always = Prisma.sql`TRUE`;

/** INSERT of chained events; `guard` is a condition that must hold for anything to be written. */
export function insertEvents(wsId: string, incidentId: string, at: Date, rows: EventRow[], guard = always): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO timeline_events (id, workspace_id, incident_id, seq, type, actor, data, occurred_at, prev_hash, hash)
    SELECT gen_random_uuid(), ${wsId}::uuid, ${incidentId}::uuid, v.seq, v.type, v.actor, v.data, ${at}, v.prev_hash, v.hash
    FROM unnest(${rows.map((r) => r.seq)}::int[], ${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.actor)}::text[],
      ${rows.map((r) => JSON.stringify(r.data))}::jsonb[], ${rows.map((r) => r.prevHash)}::text[], ${rows.map((r) => r.hash)}::text[])
      AS v(seq, type, actor, data, prev_hash, hash)
    WHERE ${guard}`;
}

/** INSERT of new role holders. */
export function insertGrants(wsId: string, incidentId: string, at: Date, grants: RoleGrant[], guard = always): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO role_assignments (id, workspace_id, incident_id, role, user_id, assigned_by, assigned_at)
    SELECT g.id, ${wsId}::uuid, ${incidentId}::uuid, g.role, g.user_id, g.by, ${at}
    FROM unnest(${grants.map(() => randomUUID())}::uuid[], ${grants.map((g) => g.role)}::"Role"[],
      ${grants.map((g) => g.userId)}::text[], ${grants.map((g) => g.by)}::text[]) AS g(id, role, user_id, by)
    WHERE ${guard}`;
}

/** UPDATE that ends the current holders of the roles being granted. */
export function endHolders(wsId: string, incidentId: string, at: Date, grants: RoleGrant[]): Prisma.Sql {
  return Prisma.sql`
    UPDATE role_assignments r SET ended_at = ${at}, ended_by = g.by
    FROM unnest(${grants.map((g) => g.role)}::"Role"[], ${grants.map((g) => g.by)}::text[]) AS g(role, by)
    WHERE r.workspace_id = ${wsId}::uuid AND r.incident_id = ${incidentId}::uuid AND r.role = g.role AND r.ended_at IS NULL`;
}

/** INSERT of checklists attached to the incident; attaching twice changes nothing. */
export function insertAttachments(wsId: string, incidentId: string, at: Date, attach: Attachment[], guard = always): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO incident_checklists (workspace_id, incident_id, checklist_id, attached_by, attached_at)
    SELECT ${wsId}::uuid, ${incidentId}::uuid, a.checklist_id, a.by, ${at}
    FROM unnest(${attach.map((a) => a.checklistId)}::text[], ${attach.map((a) => a.by)}::text[]) AS a(checklist_id, by)
    WHERE ${guard}
    ON CONFLICT (incident_id, checklist_id) DO NOTHING`;
}

/** UPSERT of step states (an undo writes the step back to open). */
export function upsertItems(wsId: string, incidentId: string, at: Date, items: ItemUpdate[]): Prisma.Sql {
  const settled = items.map((i) => (i.state.status === 'open' ? null : i.state));
  return Prisma.sql`
    INSERT INTO checklist_items (workspace_id, incident_id, item_id, status, actor, at, reason)
    SELECT ${wsId}::uuid, ${incidentId}::uuid, s.item_id, s.status, s.actor, ${at}, s.reason
    FROM unnest(${items.map((i) => i.itemId)}::text[], ${items.map((i) => i.state.status)}::"ItemStatus"[],
      ${items.map((i, n) => settled[n]?.by ?? i.actor)}::text[], ${settled.map((s) => (s && 'reason' in s ? (s.reason ?? null) : null))}::text[])
      AS s(item_id, status, actor, reason)
    ON CONFLICT (incident_id, item_id) DO UPDATE SET status = EXCLUDED.status, actor = EXCLUDED.actor, at = EXCLUDED.at, reason = EXCLUDED.reason`;
}

/** Ends the pending jobs of the given kinds: the change has made them obsolete. */
export function cancelJobs(wsId: string, incidentId: string, at: Date, kinds: string[]): Prisma.Sql {
  return Prisma.sql`
    UPDATE jobs SET done_at = ${at}, outcome = 'superseded', lease_owner = NULL, lease_until = NULL
    WHERE workspace_id = ${wsId}::uuid AND incident_id = ${incidentId}::uuid AND kind = ANY(${kinds}::text[]) AND done_at IS NULL`;
}

/** INSERT of new jobs. */
export function insertJobs(wsId: string, incidentId: string, jobs: NewJob[], guard = always): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO jobs (id, workspace_id, incident_id, kind, due_at, data)
    SELECT gen_random_uuid(), ${wsId}::uuid, ${incidentId}::uuid, j.kind, j.due_at, j.data
    FROM unnest(${jobs.map((j) => j.kind)}::text[], ${jobs.map((j) => j.dueAt)}::timestamptz[], ${jobs.map((j) => JSON.stringify(j.data ?? {}))}::jsonb[])
      AS j(kind, due_at, data)
    WHERE ${guard}`;
}

/** UPSERT of the written parts of the postmortem; nothing when the change carries none. */
export function upsertPostmortem(wsId: string, incidentId: string, at: Date, p: Change<unknown>['postmortem']): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO postmortems (workspace_id, incident_id, root_cause_technical, root_cause_process, what_worked, what_did_not,
      root_cause_verified, updated_by, updated_at)
    SELECT ${wsId}::uuid, ${incidentId}::uuid, ${p?.rootCauseTechnical ?? ''}, ${p?.rootCauseProcess ?? ''}, ${p?.whatWorked ?? ''},
      ${p?.whatDidNot ?? ''}, ${p?.rootCauseVerified ?? false}, ${p?.by ?? ''}, ${at}
    WHERE ${p !== undefined}
    ON CONFLICT (incident_id) DO UPDATE SET root_cause_technical = EXCLUDED.root_cause_technical,
      root_cause_process = EXCLUDED.root_cause_process, what_worked = EXCLUDED.what_worked, what_did_not = EXCLUDED.what_did_not,
      root_cause_verified = EXCLUDED.root_cause_verified, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`;
}

/** A new corrective action, or one marked done. */
export function writeFollowup(wsId: string, incidentId: string, at: Date, f: Change<unknown>['followup']): Prisma.Sql {
  if (f && 'done' in f) {
    return Prisma.sql`
      UPDATE followups SET done_at = ${at}, done_by = ${f.done.by}
      WHERE workspace_id = ${wsId}::uuid AND incident_id = ${incidentId}::uuid AND seq = ${f.done.seq} AND done_at IS NULL`;
  }
  const add = f?.add;
  return Prisma.sql`
    INSERT INTO followups (id, workspace_id, incident_id, seq, title, owner, due_on, created_by, created_at)
    SELECT gen_random_uuid(), ${wsId}::uuid, ${incidentId}::uuid, ${add?.seq ?? 0}, ${add?.title ?? ''}, ${add?.owner ?? null},
      ${add?.dueOn ?? null}::date, ${add?.createdBy ?? ''}, ${at}
    WHERE ${add !== undefined}`;
}

/** A new action request, or an update of one (values set, never cleared). */
export function writeAction(wsId: string, incidentId: string, a: Change<unknown>['action']): Prisma.Sql {
  if (a && 'update' in a) {
    const v = a.update.set;
    return Prisma.sql`
      UPDATE action_requests SET
        status = COALESCE(${v.status ?? null}::"ActionStatus", status),
        override_reason = COALESCE(${v.overrideReason ?? null}, override_reason),
        approved_by = COALESCE(${v.approvedBy ?? null}, approved_by),
        approved_at = COALESCE(${v.approvedAt ?? null}::timestamptz, approved_at),
        outcome_detail = COALESCE(${v.outcomeDetail ?? null}, outcome_detail),
        outcome_at = COALESCE(${v.outcomeAt ?? null}::timestamptz, outcome_at),
        lifted_by = COALESCE(${v.liftedBy ?? null}, lifted_by),
        lifted_at = COALESCE(${v.liftedAt ?? null}::timestamptz, lifted_at),
        lift_status = COALESCE(${v.liftStatus ?? null}::"LiftStatus", lift_status),
        lift_requested_by = COALESCE(${v.liftRequestedBy ?? null}, lift_requested_by),
        lift_requested_at = COALESCE(${v.liftRequestedAt ?? null}::timestamptz, lift_requested_at),
        lift_approved_by = COALESCE(${v.liftApprovedBy ?? null}, lift_approved_by),
        lift_detail = COALESCE(${v.liftDetail ?? null}, lift_detail)
      WHERE id = ${a.update.id}::uuid AND workspace_id = ${wsId}::uuid AND incident_id = ${incidentId}::uuid`;
  }
  const r = a?.insert;
  return Prisma.sql`
    INSERT INTO action_requests (id, workspace_id, incident_id, seq, action_id, params, status, requested_by, requested_at,
      override_reason, approved_by, approved_at)
    SELECT ${r?.id ?? null}::uuid, ${wsId}::uuid, ${incidentId}::uuid, ${r?.seq ?? 0}, ${r?.actionId ?? ''}, ${JSON.stringify(r?.params ?? {})}::jsonb,
      ${r?.status ?? 'approved'}::"ActionStatus", ${r?.requestedBy ?? ''}, ${r?.requestedAt ?? null}::timestamptz, ${r?.overrideReason ?? null},
      ${r?.approvedBy ?? null}, ${r?.approvedAt ?? null}::timestamptz
    WHERE ${r !== undefined}`;
}
