// Runs an approved containment action when the scheduler hands it over: through the webhook when the
// action is configured for it, else by asking the requester to do it by hand and confirm. The
// outcome is recorded once, then posted in the channel.
import type { ExecutionOutcome, Executor } from '../../core/actions/ports.js';
import { describeRequest } from '../../core/actions/service.js';
import type { IncidentState, Workspace } from '../../core/incidents/model.js';
import { manualPrompt } from '../../executors/manual.js';
import type { Logger } from '../../log.js';
import { confirmMessage } from './blocks/actions.js';
import type { SlackDeps, WebClient } from './context.js';
import { refreshHeader } from './room.js';

/** The executor for an action id, or null for a manual action. */
export type ExecutorFor = (actionId: string) => Executor | null;

const MARK: Record<ExecutionOutcome['status'], string> = { succeeded: ':white_check_mark:', failed: ':x:', timed_out: ':hourglass:' };

export async function runAction(client: WebClient, deps: SlackDeps, executorFor: ExecutorFor, ws: Workspace, state: IncidentState, requestId: string, log: Logger) {
  const request = state.actions.find((a) => a.id === requestId);
  if (!request || request.status !== 'approved' || !state.incident.roomId) return;
  const action = deps.actions.action(request.actionId);
  const executor = executorFor(action.id);
  const req = {
    requestId,
    idempotencyKey: request.id,
    action: { id: action.id, title: action.title },
    params: request.params,
    incident: { id: state.incident.id, number: state.incident.number, workspace: ws.externalId },
    requestedBy: request.requestedBy,
  };
  if (!executor) {
    const { changed } = await deps.actions.recordOutcome(ws, state.incident.id, requestId, 'awaiting_confirmation');
    if (changed) await client.chat.postMessage({ channel: state.incident.roomId, ...confirmMessage(request, manualPrompt(req).text) });
    return;
  }
  const outcome = await executor.execute(req);
  const recorded = await deps.actions.recordOutcome(ws, state.incident.id, requestId, outcome);
  if (!recorded.changed) return;
  log.info({ request: requestId, status: outcome.status }, 'containment action finished');
  await postOutcome(client, deps, ws, recorded.state, `${MARK[outcome.status]} ${describeRequest(request, action)}: *${outcome.status.replace('_', ' ')}*. ${outcome.detail}`, log);
}

export async function postOutcome(client: WebClient, deps: SlackDeps, ws: Workspace, state: IncidentState, text: string, log: Logger) {
  await client.chat.postMessage({ channel: state.incident.roomId!, text });
  await refreshHeader(client, deps, ws, state, log);
}

/** Tells the executor that applied a lifted freeze, pause or hold to undo it; manual ones were lifted by hand. */
export async function runLift(client: WebClient, deps: SlackDeps, executorFor: ExecutorFor, ws: Workspace, state: IncidentState, requestId: string, log: Logger) {
  const request = state.actions.find((a) => a.id === requestId);
  if (!request?.liftedAt || !state.incident.roomId) return;
  const action = deps.actions.action(request.actionId);
  const executor = executorFor(action.id);
  if (!executor || !action.liftable) return;
  const outcome = await executor.execute({
    requestId,
    idempotencyKey: `${request.id}:lift`,
    action: { id: `${action.id}:lift`, title: action.liftable.title },
    params: request.params,
    incident: { id: state.incident.id, number: state.incident.number, workspace: ws.externalId },
    requestedBy: request.liftedBy ?? request.requestedBy,
  });
  const { state: after } = await deps.actions.recordLiftOutcome(ws, state.incident.id, requestId, outcome);
  log.info({ request: requestId, status: outcome.status }, 'lift sent to the executor');
  await client.chat.postMessage({ channel: after.incident.roomId!, text: `${MARK[outcome.status]} ${action.liftable.title} (#${request.seq}): *${outcome.status.replace('_', ' ')}*. ${outcome.detail}` });
}
