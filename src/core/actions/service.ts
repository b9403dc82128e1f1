// Containment action requests (§6) behind the §2 gates. Every request, refusal, override, approval,
// outcome and lift is a timeline event written in the same transaction as the state it records.
// An approved request is a durable job: it runs once a scheduler claims it, and a process that dies
// mid-run leaves the job to another, which re-drives it with the same idempotency key.
import { randomUUID } from 'node:crypto';
import { ACTION_JOB, LIFT_JOB } from '../cadence/rules.js';
import { DomainError, ErrorCode, incidentNotFound } from '../errors.js';
import type { LifecycleService } from '../incidents/lifecycle.js';
import { startInvestigating } from '../incidents/status.js';
import { holderOf, type ActionRequest, type IncidentState, type Workspace } from '../incidents/model.js';
import type { Change, Clock, NewJob } from '../ports.js';
import type { Runbook } from '../runbook/checklists.js';
import type { IncidentModel } from '../runbook/schema.js';
import { roleNamesOf } from '../views/checklist.js';
import { mention } from '../views/text.js';
import { evaluateApproval } from './approval.js';
import { findAction, type ActionCatalog, type ActionEntry } from './catalog.js';
import { evaluateRequest, owningRoles, type Accepted, type ParamValue } from './gates.js';
import type { ExecutionOutcome } from './ports.js';


export type Deps = { clock: Clock; model: IncidentModel; runbook: Runbook; actions: ActionCatalog; lifecycle: LifecycleService };

type Refused = { ok: false; reason: string };
export type RequestResult = Refused | { ok: true; request: ActionRequest; action: ActionEntry; approvers: Accepted['approvers'] };
export type ApprovalResult = (Refused & { request: ActionRequest }) | { ok: true; request: ActionRequest };
export type LiftResult = Refused | { ok: true; request: ActionRequest; action: ActionEntry };

const run = (requestId: string, at: Date): NewJob => ({ kind: ACTION_JOB, dueAt: at, data: { requestId } });
const title = (a: ActionEntry) => `"${a.title}"`;

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
      };
      const override = gate.override ? [{ type: 'action.evidence_override', actor, data: { seq: request.seq, actionId, reason: gate.override.reason, openSteps: gate.override.openSteps } }] : [];
      const investigating = startInvestigating(s, actor, { by: 'action-request', actionId });
      return {
        ...(investigating.patch ? { patch: investigating.patch } : {}),
        action: { insert: request },
        schedule: gate.needsApproval ? [] : [run(request.id, now)],
        events: [...override, { type: 'action.requested', actor, data: { seq: request.seq, actionId, params: gate.params, needsApproval: gate.needsApproval } }, ...investigating.events],
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
      if (!verdict.ok) {
        const expired = now.getTime() >= req.requestedAt.getTime() + this.deps.actions.approvalExpiryMs;
        return {
          ...(expired ? { action: { update: { id: req.id, set: { status: 'expired' as const } } } } : {}),
          events: [{ type: expired ? 'action.expired' : 'action.approval_refused', actor, data: { seq: req.seq, reason: verdict.reason } }],
          result: { ok: false, reason: verdict.reason, request: req },
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

  /** Records what the executor said to a lift; the lift itself stands either way (it is already recorded). */
  recordLiftOutcome(ws: Workspace, incidentId: string, requestId: string, outcome: ExecutionOutcome) {
    return this.deps.lifecycle.inIncident(ws, incidentId, (s) => {
      const req = s.actions.find((a) => a.id === requestId);
      if (!req) return { events: [], result: null };
      return { events: [{ type: `action.lift_${outcome.status}`, actor: null, data: { seq: req.seq, detail: outcome.detail } }], result: req };
    });
  }

  /** Lifts a freeze, pause or hold in force; gated like a request by the owning roles and the IC. */
  lift(ws: Workspace, roomId: string, actor: string, requestId: string) {
    const now = this.deps.clock.now();
    return this.deps.lifecycle.inRoom(ws, roomId, (s): Change<LiftResult> => {
      const req = s.actions.find((a) => a.id === requestId);
      if (!req) throw incidentNotFound();
      const action = this.action(req.actionId);
      if (!action.liftable || req.status !== 'succeeded' || req.liftedAt) throw new DomainError(ErrorCode.InvalidInput, `Request #${req.seq} is not in force.`);
      const allowed = [holderOf(s, 'ic'), ...owningRoles(action).map((r) => holderOf(s, r))].includes(actor);
      if (!allowed) {
        const reason = `Only the Incident Commander or the owning lead may lift ${title(action)} (runbook §3).`;
        return { events: [{ type: 'action.lift_refused', actor, data: { seq: req.seq, reason } }], result: { ok: false, reason } };
      }
      return {
        action: { update: { id: req.id, set: { liftedBy: actor, liftedAt: now } } },
        // The executor that applied it is told to undo it, durably, like the action itself.
        schedule: [{ kind: LIFT_JOB, dueAt: now, data: { requestId: req.id } }],
        events: [{ type: 'action.lifted', actor, data: { seq: req.seq, actionId: req.actionId, lift: action.liftable.title } }],
        result: { ok: true, request: req, action },
      };
    });
  }

  /** Requests still waiting for their second person: an expired one is not, even before anyone clicks. */
  awaitingApproval(s: IncidentState): { request: ActionRequest; action: ActionEntry }[] {
    const now = this.deps.clock.now().getTime();
    return s.actions.flatMap((request) => {
      const action = findAction(this.deps.actions, request.actionId);
      const live = request.status === 'awaiting_approval' && now < request.requestedAt.getTime() + this.deps.actions.approvalExpiryMs;
      return action && live ? [{ request, action }] : [];
    });
  }

  /** Freezes, pauses and holds that succeeded and were not lifted. */
  inForce(s: IncidentState): { request: ActionRequest; action: ActionEntry }[] {
    return s.actions.flatMap((request) => {
      const action = findAction(this.deps.actions, request.actionId);
      return action?.liftable && request.status === 'succeeded' && !request.liftedAt ? [{ request, action }] : [];
    });
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
