// The containment action form's submission: the gates decide; a refusal is recorded in the timeline
// and shown beside the form, an accepted request is announced and, when approved, runs at once.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { OVERRIDE_BLOCK, readRequestForm, readRequestMetadata, requestedMessage } from '../../blocks/actions.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { refreshHeader } from '../../room.js';

export function actionRequest(deps: SlackDeps) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const actor = body.user.id;
    const log = deps.log.child({ team: body.team?.id, user: actor, view: view.id });
    const meta = readRequestMetadata(view.private_metadata);
    const firstBlock = Object.keys(view.state.values)[0] ?? OVERRIDE_BLOCK;
    let outcome;
    try {
      if (!meta) throw new Error('action form without its metadata');
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const action = deps.actions.action(meta.actionId);
      const form = readRequestForm(action, view.state.values);
      outcome = { roomId: meta.roomId, ws, ...(await deps.actions.request(ws, meta.roomId, actor, action.id, form.params, form.override)) };
    } catch (e) {
      await ack({ response_action: 'errors', errors: { [firstBlock]: errorText(e, log) } });
      return;
    }
    const { result, roomId, state, ws } = outcome;
    if (!result.ok) {
      // Recorded as action.refused; the form stays open with the reason beside it.
      await ack({ response_action: 'errors', errors: { [view.state.values[OVERRIDE_BLOCK] && /evidence/i.test(result.reason) ? OVERRIDE_BLOCK : firstBlock]: `:no_entry: ${result.reason}` } });
      return;
    }
    await ack();
    const approvers = result.approvers?.candidates ?? null;
    await client.chat.postMessage({ channel: roomId, ...requestedMessage(result.request, result.action, approvers) }).catch((err) => log.warn({ err }, 'request post failed'));
    // A first request moves a declared incident to investigating: the header says so.
    await refreshHeader(client, deps, ws, state, log);
    if (!approvers) await deps.kick();
  };
}
