// Talking to an incident channel after a change has been committed. Every call here is safe to
// repeat: the header is re-rendered from the stored state, never patched.
import type { IncidentState, Workspace } from '../../core/incidents/model.js';
import { describeRequest } from '../../core/actions/service.js';
import { headerView } from '../../core/views/incident.js';
import type { Logger } from '../../log.js';
import { headerBlocks, headerText } from './blocks/header.js';
import type { SlackDeps, WebClient } from './context.js';
import { inOrder } from './in-order.js';
import { describe } from './slack-error.js';

/** The header's view model as of the bot's clock now. */
export function headerViewOf(deps: SlackDeps, state: IncidentState) {
  const inForce = deps.actions.inForce(state).map(({ request, action }) => ({
    requestId: request.id,
    text: describeRequest(request, action),
    lift: action.liftable?.title ?? 'Lift',
  }));
  return headerView({ model: deps.incidents.model, runbook: deps.checklists.runbook }, state, { now: deps.lifecycle.now(), inForce });
}

export function renderHeader(deps: SlackDeps, state: IncidentState) {
  const view = headerViewOf(deps, state);
  return { text: headerText(view), blocks: headerBlocks(view) };
}

/** Updates the pinned header in place; a failure is logged and recorded, never thrown at the user. */
export function refreshHeader(client: WebClient, deps: SlackDeps, ws: Workspace, state: IncidentState, log: Logger) {
  return inOrder(`header:${state.incident.id}`, deps, ws, state, async (fresh) => {
    const { roomId, headerMessageId, id } = fresh.incident;
    if (!roomId || !headerMessageId) return;
    try {
      await client.chat.update({ channel: roomId, ts: headerMessageId, ...renderHeader(deps, fresh) });
    } catch (e) {
      log.warn({ err: e }, 'header update failed');
      await deps.incidents.recordDeliveryFailure(ws, id, 'header.update', describe(e));
    }
  });
}

/** Posts a line in the incident channel for everyone to see. */
export async function announceInRoom(client: WebClient, deps: SlackDeps, ws: Workspace, state: IncidentState, text: string, log: Logger) {
  const roomId = state.incident.roomId;
  if (!roomId) return;
  try {
    await client.chat.postMessage({ channel: roomId, text });
  } catch (e) {
    log.warn({ err: e }, 'room message failed');
    await deps.incidents.recordDeliveryFailure(ws, state.incident.id, 'room.message', describe(e));
  }
}
