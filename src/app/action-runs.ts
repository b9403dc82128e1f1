// Runs an approved containment action when the scheduler hands it over: through its executor when
// one is configured for it, else by asking the requester to do it by hand and confirm. The outcome
// is recorded once, then told in the room; a lift of a freeze goes back through the same executor, and
// the freeze stays in force until that lift has succeeded. A request nobody approved expires here.
import { executionRequest, type ExecutionOutcome } from '../core/actions/ports.js';
import { describeRequest } from '../core/actions/service.js';
import type { ActionEntry } from '../core/actions/catalog.js';
import type { ActionRequest, IncidentState, Workspace } from '../core/incidents/model.js';
import { icon, strong, t, type Rich } from '../core/views/rich-text.js';
import { manualPrompt } from '../executors/manual.js';
import type { ActionLine } from './chat-port.js';
import { coreText } from './core-text.js';
import type { AppDeps } from './deps.js';
import type { RoomTalk } from './room-talk.js';


export const outcomeWords = (o: ExecutionOutcome): Rich => t`${strong(o.status.replace('_', ' '))}. ${coreText(o.detail)}`;

export function actionLine(request: ActionRequest, action: ActionEntry): ActionLine {
  return { request, action: { id: action.id, title: action.title }, text: coreText(describeRequest(request, action)) };
}

export class ActionRuns {
  constructor(
    private readonly deps: AppDeps,
    private readonly talk: RoomTalk,
  ) {}

  async run(ws: Workspace, state: IncidentState, requestId: string): Promise<void> {
    const request = state.actions.find((a) => a.id === requestId);
    if (!request || request.status !== 'approved' || !state.incident.roomId) return;
    const action = this.deps.actions.action(request.actionId);
    const executor = this.deps.executorFor(action.id);
    const req = executionRequest(ws, state, request, action);
    if (!executor) {
      const { changed } = await this.deps.actions.recordOutcome(ws, state.incident.id, requestId, 'awaiting_confirmation');
      const view = { kind: 'action-confirm' as const, line: actionLine(request, action), instructions: coreText(manualPrompt(req).text) };
      if (changed) await this.talk.chat(ws).post(ws, state.incident.roomId, view);
      return;
    }
    const outcome = await executor.execute(req);
    const recorded = await this.deps.actions.recordOutcome(ws, state.incident.id, requestId, outcome);
    if (!recorded.changed) return;
    this.talk.logFor(state).info({ request: requestId, status: outcome.status }, 'containment action finished');
    await this.told(ws, recorded.state, t`${icon(outcome.status)} ${coreText(describeRequest(request, action))}: ${outcomeWords(outcome)}`);
  }

  /** An outcome in the room, then the header (freezes in force) refreshed. */
  async told(ws: Workspace, state: IncidentState, text: Rich): Promise<void> {
    await this.talk.chat(ws).post(ws, state.incident.roomId!, { kind: 'text', text });
    await this.talk.refreshHeader(ws, state);
  }

  /** Tells the executor that applied a freeze, pause or hold to undo it; the hold ends only if that succeeds. */
  async lift(ws: Workspace, state: IncidentState, requestId: string): Promise<void> {
    const request = state.actions.find((a) => a.id === requestId);
    if (request?.liftStatus !== 'requested' || !state.incident.roomId) return;
    const action = this.deps.actions.action(request.actionId);
    if (!action.liftable) return;
    const executor = this.deps.executorFor(action.id);
    // The configuration changed since the lift was asked for: it fails, so it can be asked for again (by hand).
    const outcome: ExecutionOutcome = executor
      ? await executor.execute(executionRequest(ws, state, request, action, true))
      : { status: 'failed', detail: 'ACTION_WEBHOOK_ACTIONS no longer sends this action to the webhook, so nothing undid it; lift it again to do it by hand.' };
    const recorded = await this.deps.actions.recordLiftOutcome(ws, state.incident.id, requestId, outcome);
    if (!recorded.changed) return;
    this.talk.logFor(state).info({ request: requestId, status: outcome.status }, 'lift sent to the executor');
    const still = outcome.status === 'succeeded' ? '' : ' It is still in force; the header offers to lift it again.';
    await this.told(ws, recorded.state, t`${icon(outcome.status)} ${action.liftable.title} (#${request.seq}): ${outcomeWords(outcome)}${still}`);
  }

  /** A request, or a lift, that nobody approved in time: recorded expired by its own job, then told in the room. */
  async expire(ws: Workspace, state: IncidentState, requestId: string, lift: boolean): Promise<void> {
    const { state: after, result, changed } = await this.deps.actions.expire(ws, state.incident.id, requestId, lift);
    if (!changed || !result || !after.incident.roomId) return;
    this.talk.logFor(state).info({ request: requestId, lift }, 'approval expired');
    await this.told(ws, after, t`${icon('timed_out')} ${coreText(describeRequest(result.request, result.action))}: ${coreText(result.reason)}`);
  }
}
