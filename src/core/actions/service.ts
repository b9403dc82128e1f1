// Containment action requests (§6) behind the §2 gates. Every request, refusal, override, approval,
// outcome, expiry and lift is a timeline event written in the same transaction as the state it records.
// An approved request is a durable job: it runs once a scheduler claims it, and a process that dies
// mid-run leaves the job to another, which re-drives it with the same idempotency key. A request that
// waits for its second person is a durable job too: at its deadline it expires by itself. A hold stays
// in force until its lift has succeeded.
import { randomUUID } from 'node:crypto';
import { ACTION_JOB, EXPIRE_JOB, LIFT_JOB } from '../cadence/rules.js';
import { DomainError, ErrorCode, incidentNotFound } from '../errors.js';
import type { LifecycleService } from '../incidents/lifecycle.js';
import { holderOf, type ActionRequest, type IncidentState, type Workspace } from '../incidents/model.js';
import type { Change, Clock, NewJob } from '../ports.js';
import type { Runbook } from '../runbook/checklists.js';
import type { IncidentModel } from '../runbook/schema.js';
import { roleNamesOf } from '../views/checklist.js';
import { mention, utc } from '../views/text.js';
import { approvalExpiresAt, evaluateApproval } from './approval.js';
import { findAction, type ActionCatalog, type ActionEntry } from './catalog.js';
import { describeRole, either, evaluateRequest, failsClosed, owningRoles, secondPeople, verificationRefusal, type Accepted, type ParamValue } from './gates.js';
import type { ExecutionOutcome, ExecutorKind } from './ports.js';

export type Deps = {
  clock: Clock;
  model: IncidentModel;
  runbook: Runbook;
  actions: ActionCatalog;
  lifecycle: LifecycleService;
  /** The executor configured for an action; manual when not given. */
  executorOf?: (actionId: string) => ExecutorKind;
};

type Refused = { ok: false; reason: string };
export type RequestResult = Refused | { ok: true; request: ActionRequest; action: ActionEntry; approvers: Accepted['approvers'] };
export type ApprovalResult = (Refused & { request: ActionRequest }) | { ok: true; request: ActionRequest };
/** `lifted`: done by hand at once; `requested`: the executor undoes it; `awaiting_approval`: a second person first. */
export type LiftResult = Refused | { ok: true; request: ActionRequest; action: ActionEntry; lift: 'lifted' | 'requested' | 'awaiting_approval'; approvers: string[] };
export type Expired = { request: ActionRequest; action: ActionEntry; lift: boolean; reason: string };

const run = (requestId: string, at: Date): NewJob => ({ kind: ACTION_JOB, dueAt: at, data: { requestId } });
const expiry = (requestId: string, at: Date, lift: boolean): NewJob => ({ kind: EXPIRE_JOB, dueAt: at, data: { requestId, ...(lift ? { lift: true } : {}) } });
const title = (a: ActionEntry) => `"${a.title}"`;
/** A lift in these states is being carried out or waits for its approver: it cannot be asked for twice. */
const LIFT_UNDER_WAY = new Set(['requested', 'awaiting_approval']);

export class ActionService {
  constructor(private readonly deps: Deps) {}

  get catalog(): ActionCatalog {
    return this.deps.actions;
  }

  action(id: string): ActionEntry {
    const a = findAction(this.deps.actions, id);
    if (!a) throw new DomainError(ErrorCode.InvalidInput, `"${id}" is not a containment action; \`/incident actions\` lists them.`);
    return a;
  }

  executorOf(actionId: string): ExecutorKind {
    return this.deps.executorOf?.(actionId) ?? 'manual';
  }

  /** Requests an action. A refusal is not an error: it is recorded, and returned with its reason. */
  request(ws: Workspace, roomId: string, actor: string, actionId: string, params: Record<string, ParamValue | undefined>, overrideReason?: string) {
    const action = this.action(actionId);
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inRoom(ws, roomId, (s): Change<RequestResult> => {
      const gate = evaluateRequest({
        action,
        params,
        actor,
        state: s,
        runbook: this.deps.runbook,
        roleNames: roleNamesOf(this.deps.model),
        ...(overrideReason?.trim() ? { override: { reason: overrideReason.trim() } } : {}),
      });
      if (!gate.ok) {
        return { events: [{ type: 'action.refused', actor, data: { actionId, rule: gate.rule, reason: gate.reason } }], result: { ok: false, reason: gate.reason } };
      }
      const request: ActionRequest = {
        id: randomUUID(),
        seq: Math.max(0, ...s.actions.map((a) => a.seq)) + 1,
        actionId,
        params: gate.params,
        status: gate.needsApproval ? 'awaiting_approval' : 'approved',
        requestedBy: actor,
        requestedAt: now,
        overrideReason: gate.override?.reason ?? null,
        approvedBy: null,
        approvedAt: null,
        outcomeDetail: null,
        outcomeAt: null,
        liftedBy: null,
        liftedAt: null,
        liftStatus: null,
        liftRequestedBy: null,
        liftRequestedAt: null,
        liftApprovedBy: null,
        liftDetail: null,
      };
      const override = gate.override ? [{ type: 'action.evidence_override', actor, data: { seq: request.seq, actionId, reason: gate.override.reason, openSteps: gate.override.openSteps } }] : [];
      return {
        action: { insert: request },
        schedule: gate.needsApproval ? [expiry(request.id, approvalExpiresAt(now, this.deps.actions.approvalExpiryMs), false)] : [run(request.id, now)],
        events: [...override, { type: 'action.requested', actor, data: { seq: request.seq, actionId, params: gate.params, needsApproval: gate.needsApproval } }],
        result: { ok: true, request, action, approvers: gate.approvers },
      };
    });
  }

  /** A second person approves a request; the requester never can, and approvals expire. */
  approve(ws: Workspace, roomId: string, actor: string, requestId: string) {
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inRoom(ws, roomId, (s): Change<ApprovalResult> => {
      const req = this.pending(s, requestId);
      const verdict = evaluateApproval({ request: req, approver: actor, state: s, now, catalog: this.deps.actions, roleNames: roleNamesOf(this.deps.model) });
      // A fail-closed action is approved only while the §6.2 verification is still settled.
      const action = findAction(this.deps.actions, req.actionId);
      const unsettled = verdict.ok && action?.failClosed && failsClosed(s.incident) ? verificationRefusal(this.deps.runbook, s, title(action), action.steps) : undefined;
      if (!verdict.ok || unsettled) {
        const reason = verdict.ok ? unsettled!.reason : verdict.reason;
        const expired = !verdict.ok && this.expired(req.requestedAt, now);
        return {
          ...(expired ? { action: { update: { id: req.id, set: { status: 'expired' as const } } } } : {}),
          events: [{ type: expired ? 'action.expired' : 'action.approval_refused', actor, data: { seq: req.seq, reason } }],
          result: { ok: false, reason, request: req },
        };
      }
      return {
        action: { update: { id: req.id, set: { status: 'approved' as const, approvedBy: actor, approvedAt: now } } },
        schedule: [run(req.id, now)],
        events: [{ type: 'action.approved', actor, data: { seq: req.seq, as: verdict.asRole } }],
        result: { ok: true, request: req },
      };
    });
  }

  /**
   * The deadline of a request (or a lift) still awaiting its second person: it expires by itself, and the
   * result says so. Null when it was approved, refused or expired meanwhile, or is not due yet.
   */
  expire(ws: Workspace, incidentId: string, requestId: string, lift: boolean) {
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inIncident(ws, incidentId, (s): Change<Expired | null> => {
      const req = s.actions.find((a) => a.id === requestId);
      const action = req && findAction(this.deps.actions, req.actionId);
      const since = lift ? req?.liftRequestedAt : req?.requestedAt;
      const waiting = lift ? req?.liftStatus === 'awaiting_approval' : req?.status === 'awaiting_approval';
      if (!req || !action || !since || !waiting || !this.expired(since, now)) return { events: [], result: null };
      const expiredAt = approvalExpiresAt(since, this.deps.actions.approvalExpiryMs);
      const what = lift ? `The lift of request #${req.seq}` : `Request #${req.seq}`;
      const reason = `${what} expired at ${utc(expiredAt)}: nobody approved it within ${this.deps.actions.approvalExpiryMs / 60_000} minutes, so ${lift ? 'it is still in force; lift it again' : 'nothing ran; request it again'} if it is still needed.`;
      return {
        action: { update: { id: req.id, set: lift ? { liftStatus: 'expired' as const } : { status: 'expired' as const } } },
        events: [{ type: lift ? 'action.lift_expired' : 'action.expired', actor: null, data: { seq: req.seq, reason } }],
        result: { request: req, action, lift, reason },
      };
    });
  }

  /** Records what the executor reported, once: a re-driven request whose outcome is in changes nothing. */
  recordOutcome(ws: Workspace, incidentId: string, requestId: string, outcome: ExecutionOutcome | 'awaiting_confirmation', from: 'executor' | 'confirmation' = 'executor') {
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inIncident(ws, incidentId, (s) => {
      const req = s.actions.find((a) => a.id === requestId);
      // An executor closes an approved request; a confirmation by hand only one that waits for it.
      const open = req && (from === 'confirmation' ? req.status === 'awaiting_confirmation' && outcome !== 'awaiting_confirmation' : req.status === 'approved');
      if (!req || !open) return { events: [], result: null };
      if (outcome === 'awaiting_confirmation') {
        return { action: { update: { id: req.id, set: { status: 'awaiting_confirmation' as const } } }, events: [{ type: 'action.awaiting_confirmation', actor: null, data: { seq: req.seq } }], result: req };
      }
      return {
        action: { update: { id: req.id, set: { status: outcome.status, outcomeDetail: outcome.detail, outcomeAt: now } } },
        events: [{ type: `action.${outcome.status}`, actor: null, data: { seq: req.seq, detail: outcome.detail, ...(outcome.response ? { response: outcome.response } : {}) } }],
        result: req,
      };
    });
  }

  /**
   * Records what the executor said to a lift, once. Only a lift that succeeded ends the hold; after a
   * failure or a timeout it is still in force, and the lift can be asked for again.
   */
  recordLiftOutcome(ws: Workspace, incidentId: string, requestId: string, outcome: ExecutionOutcome) {
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inIncident(ws, incidentId, (s) => {
      const req = s.actions.find((a) => a.id === requestId);
      if (!req || req.liftStatus !== 'requested') return { events: [], result: null };
      const lifted = outcome.status === 'succeeded' ? { liftedBy: req.liftRequestedBy ?? req.requestedBy, liftedAt: now } : {};
      return {
        action: { update: { id: req.id, set: { liftStatus: outcome.status, liftDetail: outcome.detail, ...lifted } } },
        events: [{ type: `action.lift_${outcome.status}`, actor: null, data: { seq: req.seq, detail: outcome.detail } }],
        result: req,
      };
    });
  }

  /**
   * Lifts a freeze, pause or hold in force, gated by the owning roles and the IC. A lift that fails
   * closed (a freeze, a quarantine, a lock-down at SEV0/SEV1 or with integrity uncertain) waits for the
   * §6.2 verification and a second person.
   */
  lift(ws: Workspace, roomId: string, actor: string, requestId: string) {
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inRoom(ws, roomId, (s): Change<LiftResult> => {
      const { req, action } = this.held(s, requestId);
      const liftable = action.liftable!;
      const refused = (reason: string): Change<LiftResult> => ({ events: [{ type: 'action.lift_refused', actor, data: { seq: req.seq, reason } }], result: { ok: false, reason } });
      const allowed = [holderOf(s, 'ic'), ...owningRoles(action).map((r) => holderOf(s, r))].includes(actor);
      if (!allowed) return refused(`Only the Incident Commander or the owning lead may lift ${title(action)} (runbook §3).`);
      if (!liftable.failClosed || !failsClosed(s.incident)) return this.startLift(req, action, actor, now, actor, { liftRequestedBy: actor, liftRequestedAt: now });

      const unsettled = verificationRefusal(this.deps.runbook, s, `lifting ${title(action)}`, action.steps);
      if (unsettled) return refused(unsettled.reason);
      const roles = owningRoles(action);
      const approvers = secondPeople(s, roles, actor);
      if (approvers.length === 0) {
        const who = either(roles.map((r) => describeRole(s, r, roleNamesOf(this.deps.model))));
        return refused(`Fail-closed rule (§2, §6.2): at ${s.incident.severity} lifting ${title(action)} needs a second person to approve it — ${who}, never you — and nobody else holds those roles, so assign one and lift again.`);
      }
      return {
        action: { update: { id: req.id, set: { liftStatus: 'awaiting_approval' as const, liftRequestedBy: actor, liftRequestedAt: now } } },
        schedule: [expiry(req.id, approvalExpiresAt(now, this.deps.actions.approvalExpiryMs), true)],
        events: [{ type: 'action.lift_requested', actor, data: { seq: req.seq, actionId: req.actionId, lift: liftable.title, needsApproval: true } }],
        result: { ok: true, request: req, action, lift: 'awaiting_approval', approvers },
      };
    });
  }

  /** The second person approves a fail-closed lift: never its requester, before it expires, with §6.2 still settled. */
  approveLift(ws: Workspace, roomId: string, actor: string, requestId: string) {
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inRoom(ws, roomId, (s): Change<LiftResult> => {
      const { req, action } = this.held(s, requestId, 'awaiting_approval');
      const requestedBy = req.liftRequestedBy ?? req.requestedBy;
      const since = req.liftRequestedAt ?? now;
      const verdict = evaluateApproval({
        request: { requestedBy, requestedAt: since, actionId: req.actionId },
        approver: actor,
        state: s,
        now,
        catalog: this.deps.actions,
        roleNames: roleNamesOf(this.deps.model),
        lift: true,
      });
      const unsettled = verdict.ok && failsClosed(s.incident) ? verificationRefusal(this.deps.runbook, s, `lifting ${title(action)}`, action.steps) : undefined;
      if (!verdict.ok || unsettled) {
        const reason = verdict.ok ? unsettled!.reason : verdict.reason;
        const expired = !verdict.ok && this.expired(since, now);
        return {
          ...(expired ? { action: { update: { id: req.id, set: { liftStatus: 'expired' as const } } } } : {}),
          events: [{ type: expired ? 'action.lift_expired' : 'action.lift_approval_refused', actor, data: { seq: req.seq, reason } }],
          result: { ok: false, reason },
        };
      }
      return this.startLift(req, action, requestedBy, now, actor, { liftApprovedBy: actor }, [{ type: 'action.lift_approved', actor, data: { seq: req.seq, as: verdict.asRole } }]);
    });
  }

  /** Requests still waiting for their second person: an expired one is not, even before its job has run. */
  awaitingApproval(s: IncidentState): { request: ActionRequest; action: ActionEntry }[] {
    const now = this.deps.clock.now();
    return s.actions.flatMap((request) => {
      const action = findAction(this.deps.actions, request.actionId);
      const live = request.status === 'awaiting_approval' && !this.expired(request.requestedAt, now);
      return action && live ? [{ request, action }] : [];
    });
  }

  /** Freezes, pauses and holds that succeeded and whose lift has not succeeded. */
  inForce(s: IncidentState): { request: ActionRequest; action: ActionEntry }[] {
    return s.actions.flatMap((request) => {
      const action = findAction(this.deps.actions, request.actionId);
      return action?.liftable && request.status === 'succeeded' && request.liftStatus !== 'succeeded' ? [{ request, action }] : [];
    });
  }

  /** A lift the executor carries out is requested; one done by hand is recorded done at once. */
  private startLift(
    req: ActionRequest,
    action: ActionEntry,
    requestedBy: string,
    now: Date,
    actor: string,
    set: Partial<ActionRequest>,
    before: Change<unknown>['events'] = [],
  ): Change<LiftResult> {
    const data = { seq: req.seq, actionId: req.actionId, lift: action.liftable!.title };
    const approvers: string[] = [];
    if (this.executorOf(action.id) === 'manual') {
      return {
        action: { update: { id: req.id, set: { ...set, liftStatus: 'succeeded' as const, liftedBy: requestedBy, liftedAt: now } } },
        events: [...before, { type: 'action.lifted', actor, data }],
        result: { ok: true, request: req, action, lift: 'lifted', approvers },
      };
    }
    // The executor that applied it is told to undo it, durably, like the action itself.
    return {
      action: { update: { id: req.id, set: { ...set, liftStatus: 'requested' as const } } },
      schedule: [{ kind: LIFT_JOB, dueAt: now, data: { requestId: req.id } }],
      events: [...before, { type: 'action.lift_requested', actor, data: { ...data, needsApproval: false } }],
      result: { ok: true, request: req, action, lift: 'requested', approvers },
    };
  }

  private expired(since: Date, now: Date): boolean {
    return now.getTime() >= approvalExpiresAt(since, this.deps.actions.approvalExpiryMs).getTime();
  }

  /** A hold in force whose lift may be asked for (or, with `waiting`, approved). */
  private held(s: IncidentState, requestId: string, waiting?: 'awaiting_approval'): { req: ActionRequest; action: ActionEntry } {
    const req = s.actions.find((a) => a.id === requestId);
    if (!req) throw incidentNotFound();
    const action = this.action(req.actionId);
    if (!action.liftable || req.status !== 'succeeded' || req.liftStatus === 'succeeded') throw new DomainError(ErrorCode.InvalidInput, `Request #${req.seq} is not in force.`);
    if (waiting && req.liftStatus !== waiting) throw new DomainError(ErrorCode.InvalidInput, `The lift of request #${req.seq} is not awaiting approval.`);
    if (!waiting && req.liftStatus && LIFT_UNDER_WAY.has(req.liftStatus)) {
      throw new DomainError(
        ErrorCode.InvalidInput,
        req.liftStatus === 'requested' ? `The lift of request #${req.seq} is already under way.` : `The lift of request #${req.seq} already waits for a second person to approve it.`,
      );
    }
    return { req, action };
  }

  private pending(s: IncidentState, requestId: string): ActionRequest {
    const req = s.actions.find((a) => a.id === requestId);
    if (!req) throw incidentNotFound();
    if (req.status !== 'awaiting_approval') throw new DomainError(ErrorCode.InvalidInput, `Request #${req.seq} is ${req.status.replace(/_/g, ' ')}, not awaiting approval.`);
    return req;
  }
}

export const describeRequest = (r: ActionRequest, a: ActionEntry): string =>
  `#${r.seq} ${a.title} (${Object.entries(r.params).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('; ') || 'no parameters'}) requested by ${mention(r.requestedBy)}`;

/** A hold in force as the header and the overview show it: the line, and what its button does now. */
/** What a hold's button does now: ask for its lift, approve a lift that waits, or nothing (one under way). */
export type LiftControl = 'lift' | 'approve-lift' | 'none';
export type InForceView = { requestId: string; text: string; lift: string; control: LiftControl };

export function inForceView(r: ActionRequest, a: ActionEntry): InForceView {
  const base = { requestId: r.id, text: describeRequest(r, a), lift: a.liftable?.title ?? 'Lift' };
  const by = mention(r.liftRequestedBy ?? r.requestedBy);
  switch (r.liftStatus) {
    case 'failed':
    case 'timed_out':
      return { ...base, text: `${base.text}. The lift ${r.liftStatus === 'failed' ? 'failed' : 'timed out'}, so it is still in force: ${r.liftDetail ?? 'no detail'}`, lift: `Retry: ${base.lift}`, control: 'lift' };
    case 'requested':
      return { ...base, text: `${base.text}. Lift requested by ${by}, under way`, control: 'none' };
    case 'awaiting_approval':
      return { ...base, text: `${base.text}. Lift requested by ${by}, awaiting a second person`, lift: 'Approve lift', control: 'approve-lift' };
    default:
      return { ...base, control: 'lift' };
  }
}
