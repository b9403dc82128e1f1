// Runs an approved containment action when the scheduler hands it over: through its executor when
// one is configured for it, else by asking the requester to do it by hand and confirm. The outcome
// is recorded once, then told in the room; a lift of a freeze goes back through the same executor.
import type { ExecutionOutcome, ExecutionRequest } from '../core/actions/ports.js';
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

  private request(ws: Workspace, state: IncidentState, request: ActionRequest, action: Pick<ActionEntry, 'id' | 'title'>, key: string): ExecutionRequest {
    return {
      requestId: request.id,
      idempotencyKey: key,
      action,
      params: request.params,
      incident: { id: state.incident.id, number: state.incident.number, workspace: ws.externalId },
      requestedBy: request.requestedBy,
    };
  }

  async run(ws: Workspace, state: IncidentState, requestId: string): Promise<void> {
    const request = state.actions.find((a) => a.id === requestId);
    if (!request || request.status !== 'approved' || !state.incident.roomId) return;
    const action = this.deps.actions.action(request.actionId);
    const executor = this.deps.executorFor(action.id);
    const req = this.request(ws, state, request, { id: action.id, title: action.title }, request.id);
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

  /** Tells the executor that applied a lifted freeze, pause or hold to undo it; manual ones were lifted by hand. */
  async lift(ws: Workspace, state: IncidentState, requestId: string): Promise<void> {
    const request = state.actions.find((a) => a.id === requestId);
    if (!request?.liftedAt || !state.incident.roomId) return;
    const action = this.deps.actions.action(request.actionId);
    const executor = this.deps.executorFor(action.id);
    if (!executor || !action.liftable) return;
    const req = this.request(ws, state, request, { id: `${action.id}:lift`, title: action.liftable.title }, `${request.id}:lift`);
    const outcome = await executor.execute({ ...req, requestedBy: request.liftedBy ?? request.requestedBy });
    const { state: after } = await this.deps.actions.recordLiftOutcome(ws, state.incident.id, requestId, outcome);
    this.talk.logFor(state).info({ request: requestId, status: outcome.status }, 'lift sent to the executor');
    await this.talk.chat(ws).post(ws, after.incident.roomId!, { kind: 'text', text: t`${icon(outcome.status)} ${action.liftable.title} (#${request.seq}): ${outcomeWords(outcome)}` });
  }
}
