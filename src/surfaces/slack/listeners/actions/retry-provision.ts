// "Retry" on the message that told the declarer their incident's set-up failed.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { holderOf } from '../../../../core/incidents/model.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { provisionRoom } from '../../provision.js';
import { errorText } from '../../reply.js';

export function retryProvision(deps: SlackDeps) {
  return async ({ ack, body, action, client, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const actor = body.user.id;
    const log = deps.log.child({ team: body.team?.id, user: actor, action: action.action_id });
    try {
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const state = await deps.incidents.claimed(ws, action.value ?? '');
      if (actor !== state.incident.declaredBy && actor !== holderOf(state, 'ic')) {
        throw new DomainError(ErrorCode.NotAllowed, 'Only the declarer or the Incident Commander can retry the set-up.');
      }
      const after = await provisionRoom(client, deps, ws, state, log.child({ incident: state.incident.id }));
      if (after.incident.roomId) await respond({ replace_original: true, text: `Set-up finished: <#${after.incident.roomId}>.` });
    } catch (e) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: errorText(e, log) });
    }
  };
}
