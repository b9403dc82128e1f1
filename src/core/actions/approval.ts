// The second person's approval of a request (SEV0/SEV1 destructive actions): a pure check over plain
// data, with the time passed in. The approver is the IC or a lead of a role owning the action, never
// the requester, and only before the request expires.
import { ErrorCode } from '../errors.js';
import type { IncidentState, Role } from '../incidents/model.js';
import type { RoleNames } from '../checklists/state.js';
import { utc } from '../views/text.js';
import { findAction, type ActionCatalog } from './catalog.js';
import { describeRole, either, owningRoles, RULE_LABEL, type Refusal } from './gates.js';

export type PendingRequest = { requestedBy: string; requestedAt: Date; actionId: string };

export type ApprovalInput = {
  request: PendingRequest;
  approver: string;
  state: IncidentState;
  now: Date;
  catalog: ActionCatalog;
  /** Defaults to the catalog's approvalExpiryMinutes. */
  expiryMs?: number;
  roleNames?: RoleNames;
  /** The request is for the lift of the hold. */
  lift?: boolean;
};

export type Approved = { ok: true; approvedBy: string; approvedAt: Date; asRole: Role };

const refuse = (code: ErrorCode, sentence: string): Refusal => ({
  ok: false,
  code,
  rule: 'approval',
  reason: `${RULE_LABEL.approval}: ${sentence}`,
});

const duration = (ms: number): string =>
  ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${Math.ceil(ms / 1000)} seconds`;

/** When a request made at `requestedAt` stops accepting approvals. */
export const approvalExpiresAt = (requestedAt: Date, expiryMs: number): Date => new Date(requestedAt.getTime() + expiryMs);

export function evaluateApproval(input: ApprovalInput): Approved | Refusal {
  const { request, approver, state, now, catalog, roleNames = {} } = input;
  const expiryMs = input.expiryMs ?? catalog.approvalExpiryMs;
  const action = findAction(catalog, request.actionId);
  if (!action) {
    return refuse(ErrorCode.InvalidInput, `"${request.actionId}" is not an action of the catalog, so this request cannot be approved.`);
  }
  const roles = owningRoles(action);
  const title = input.lift && action.liftable ? `"${action.liftable.title}" (lifting request ${action.title})` : `"${action.title}"`;
  const who = either(roles.map((r) => describeRole(state, r, roleNames)));

  // Expiry first: once expired nobody can approve, and the request is recorded expired whoever clicked.
  const expiresAt = approvalExpiresAt(request.requestedAt, expiryMs);
  if (now.getTime() >= expiresAt.getTime()) {
    return refuse(
      ErrorCode.NotAllowed,
      `this request for ${title} expired at ${utc(expiresAt)} (approvals last ${duration(expiryMs)}), so request it again.`,
    );
  }
  if (approver === request.requestedBy) {
    return refuse(ErrorCode.NotAllowed, `you requested ${title}, so a second person — ${who} — must approve it.`);
  }
  const held = roles.find((r) => state.holders.some((h) => h.role === r && h.userId === approver));
  if (!held) {
    return refuse(ErrorCode.NotAllowed, `only ${who} may approve ${title}, other than the requester, so ask one of them.`);
  }
  return { ok: true, approvedBy: approver, approvedAt: now, asRole: held };
}
