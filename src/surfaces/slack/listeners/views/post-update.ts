// The update form's submission: stored and in the timeline first, then posted in the channel and
// shown on the header with the time the next one is due.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isDomainError } from '../../../../core/errors.js';
import { readUpdateForm, readUpdateMetadata, updateMessage } from '../../blocks/update.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { refreshHeader } from '../../room.js';

export function postUpdate(deps: SlackDeps) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const actor = body.user.id;
    const log = deps.log.child({ team: body.team?.id, user: actor, view: view.id });
    let posted;
    try {
      const roomId = readUpdateMetadata(view.private_metadata);
      if (!roomId) throw new Error('update form without its channel');
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      posted = { ws, ...(await deps.cadence.postUpdate(ws, roomId, actor, readUpdateForm(view.state.values))) };
    } catch (e) {
      const field = isDomainError(e) && e.field && view.state.values[e.field] ? e.field : 'changed';
      await ack({ response_action: 'errors', errors: { [field]: errorText(e, log) } });
      return;
    }
    await ack();
    const { state, result } = posted;
    const i = state.incident;
    await client.chat
      .postMessage({ channel: i.roomId!, ...updateMessage({ ...result.fields, number: i.number, title: i.title, severity: i.severity, author: actor, at: result.at, nextDueAt: result.nextDueAt }) })
      .catch(async (e) => {
        log.warn({ err: e }, 'update post failed');
        await deps.incidents.recordDeliveryFailure(posted.ws, i.id, 'update.post', errorText(e, log));
      });
    await refreshHeader(client, deps, posted.ws, state, log);
  };
}
