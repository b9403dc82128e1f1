// Runs an approved containment action when the scheduler hands it over: through the webhook when the
// action is configured for it, else by asking the requester to do it by hand and confirm. The
// outcome is recorded once, then posted in the channel.
import { executionRequest, type ExecutionOutcome, type Executor } from '../../core/actions/ports.js';
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
  const req = executionRequest(ws, state, request, action);
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

/** Tells the executor that applied a freeze, pause or hold to undo it; the hold ends only if that succeeds. */
export async function runLift(client: WebClient, deps: SlackDeps, executorFor: ExecutorFor, ws: Workspace, state: IncidentState, requestId: string, log: Logger) {
  const request = state.actions.find((a) => a.id === requestId);
  if (request?.liftStatus !== 'requested' || !state.incident.roomId) return;
  const action = deps.actions.action(request.actionId);
  if (!action.liftable) return;
  const executor = executorFor(action.id);
  // The configuration changed since the lift was asked for: it fails, so it can be asked for again (by hand).
  const outcome = executor
    ? await executor.execute(executionRequest(ws, state, request, action, true))
    : { status: 'failed' as const, detail: 'ACTION_WEBHOOK_ACTIONS no longer sends this action to the webhook, so nothing undid it; lift it again to do it by hand.' };
  const recorded = await deps.actions.recordLiftOutcome(ws, state.incident.id, requestId, outcome);
  if (!recorded.changed) return;
  log.info({ request: requestId, status: outcome.status }, 'lift sent to the executor');
  const still = outcome.status === 'succeeded' ? '' : ' It is still in force; the header offers to lift it again.';
  await postOutcome(client, deps, ws, recorded.state, `${MARK[outcome.status]} ${action.liftable.title} (#${request.seq}): *${outcome.status.replace('_', ' ')}*. ${outcome.detail}${still}`, log);
}

/** A request, or a lift, that nobody approved in time: recorded expired by its own job, then said in the channel. */
export async function runExpiry(client: WebClient, deps: SlackDeps, ws: Workspace, state: IncidentState, requestId: string, lift: boolean, log: Logger) {
  const { state: after, result, changed } = await deps.actions.expire(ws, state.incident.id, requestId, lift);
  if (!changed || !result || !after.incident.roomId) return;
  log.info({ request: requestId, lift }, 'approval expired');
  await postOutcome(client, deps, ws, after, `:hourglass: ${describeRequest(result.request, result.action)}: ${result.reason}`, log);
}
