// The executor port: how an approved action leaves the bot. Adapters live in src/executors (webhook) and
// in the surfaces (manual confirmation). The caller stores the request before calling `execute` and the
// outcome after it; a request re-driven after a restart passes the same idempotency key.
import type { ActionRequest, IncidentState, Severity, Workspace } from '../incidents/model.js';
import type { ActionEntry } from './catalog.js';
import type { Params } from './gates.js';

/** Which executor carries an action out: the configuration decides, never the catalog. */
export type ExecutorKind = 'webhook' | 'manual';

export type ExecutionRequest = {
  /** The stored request's id. */
  requestId: string;
  /** Stable for the request's whole life, across retries and restarts; receivers deduplicate on it. */
  idempotencyKey: string;
  /** A lift carries the lift's effects, so a receiver acts on what is done, never on a name. */
  action: Pick<ActionEntry, 'id' | 'title' | 'effects'>;
  params: Params;
  incident: { id: string; number: number; workspace: string; severity: Severity; integrityUncertain: boolean };
  /** The user id of who requested it (of the lift, for a lift). */
  requestedBy: string;
  /** The second person, when one approved. */
  approvedBy: string | null;
  /** The IC's written reason to act before the §5.3 snapshots, if any. */
  overrideReason: string | null;
};

/** What the executor is asked to do for a request, or for the lift of the hold it put in force. */
export function executionRequest(ws: Workspace, state: IncidentState, request: ActionRequest, action: ActionEntry, lift = false): ExecutionRequest {
  const i = state.incident;
  const what = lift && action.liftable ? { id: `${action.id}:lift`, title: action.liftable.title, effects: action.liftable.effects } : { id: action.id, title: action.title, effects: action.effects };
  return {
    requestId: request.id,
    idempotencyKey: lift ? `${request.id}:lift` : request.id,
    action: what,
    params: request.params,
    incident: { id: i.id, number: i.number, workspace: ws.externalId, severity: i.severity, integrityUncertain: i.integrityUncertain },
    requestedBy: lift ? (request.liftRequestedBy ?? request.requestedBy) : request.requestedBy,
    approvedBy: lift ? request.liftApprovedBy : request.approvedBy,
    overrideReason: lift ? null : request.overrideReason,
  };
}

export type ExecutionStatus = 'succeeded' | 'failed' | 'timed_out';

export type ExecutionOutcome = {
  status: ExecutionStatus;
  /** One line for the channel and the timeline. */
  detail: string;
  /** The last HTTP response, when there was one. */
  response?: { status: number; body: string };
};

export interface Executor {
  /** Never throws for the action's own failure: it is an outcome. */
  execute(req: ExecutionRequest): Promise<ExecutionOutcome>;
}
