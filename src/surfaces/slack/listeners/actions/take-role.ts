// The header's "Take role" button. The incident id in the payload is a claim: the core checks it
// belongs to this workspace and to the channel the button was clicked in.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseRole } from '../../../../core/incidents/rules.js';
import { TAKE_ROLE_ACTION } from '../../blocks/header.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { announceInRoom, refreshHeader } from '../../room.js';

export const TAKE_ROLE_PATTERN = new RegExp(`^${TAKE_ROLE_ACTION}:`);

export function takeRole(deps: SlackDeps) {
  return async ({ ack, body, action, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    const actor = body.user.id;
    const roomId = body.channel?.id ?? '';
    const log = deps.log.child({ team: body.team?.id, user: actor, channel: roomId, action: action.action_id });
    const tell = (text: string) => client.chat.postEphemeral({ channel: roomId, user: actor, text }).catch((err) => log.warn({ err }, 'ephemeral failed'));
    let outcome;
    try {
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const role = parseRole(action.action_id.slice(TAKE_ROLE_ACTION.length + 1));
      outcome = { ws, role, ...(await deps.incidents.takeRole(ws, { incidentId: action.value ?? '', roomId }, actor, role)) };
    } catch (e) {
      await ack();
      await tell(errorText(e, log));
      return;
    }
    await ack();
    const name = deps.incidents.model.roles[outcome.role].name;
    if (outcome.result.kind === 'unchanged') {
      await tell(`You already hold ${name}.`);
      return;
    }
    // The channel line and the header go out with the other background talk, so a burst of clicks
    // keeps its acks fast; the header is re-read from the stored state when its turn comes.
    const { ws, state } = outcome;
    deps
      .background(async () => {
        await announceInRoom(client, deps, ws, state, `<@${actor}> took *${name}*.`, log);
        await refreshHeader(client, deps, ws, state, log);
      })
      .catch((err) => log.error({ err }, 'take-role talk failed'));
  };
}
