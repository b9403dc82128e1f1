// Done / Skip / Undo on a checklist step. Skip opens the reason modal first, while the trigger_id is
// fresh; Done and Undo are decided under the incident's lock and the loser of a race is told who won.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { findItem } from '../../../../core/runbook/checklists.js';
import { parseItemAction } from '../../blocks/checklist.js';
import { skipModal } from '../../blocks/skip-modal.js';
import { refreshChecklist } from '../../checklist-messages.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';

export function checklistItem(deps: SlackDeps) {
  return async ({ ack, body, action, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const actor = body.user.id;
    const roomId = body.channel?.id ?? '';
    const log = deps.log.child({ team: body.team?.id, user: actor, channel: roomId, action: action.action_id });
    const tell = (text: string) => client.chat.postEphemeral({ channel: roomId, user: actor, text }).catch((err) => log.warn({ err }, 'ephemeral failed'));
    const parsed = parseItemAction(action.action_id);
    const incidentId = action.value ?? '';
    try {
      if (!parsed) throw new DomainError(ErrorCode.IncidentNotFound, 'That step is not part of this incident.');
      if (parsed.verb === 'skip') {
        const found = findItem(deps.checklists.runbook, parsed.itemId);
        await client.views.open({ trigger_id: body.trigger_id, view: skipModal({ incidentId, itemId: parsed.itemId, roomId }, found?.item.text ?? parsed.itemId) });
        return;
      }
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const { state, result } = await deps.checklists.act(ws, { incidentId, roomId }, actor, parsed.verb, parsed.itemId);
      await refreshChecklist(client, deps, ws, state, result.checklist, log.child({ incident: incidentId }));
    } catch (e) {
      await tell(errorText(e, log));
    }
  };
}
