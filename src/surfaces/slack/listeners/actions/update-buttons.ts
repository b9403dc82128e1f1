// "Post update" (header and reminders) opens the update form; "Snooze 5 min" delays the next
// reminder once per cycle.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { utc } from '../../../../core/views/text.js';
import { updateModal } from '../../blocks/update.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { announceInRoom, refreshHeader } from '../../room.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export function openUpdate(deps: SlackDeps) {
  return async ({ ack, body, client }: Args) => {
    await ack();
    const roomId = body.channel?.id ?? '';
    await client.views
      .open({ trigger_id: body.trigger_id, view: updateModal(roomId, deps.cadence.cadence.mitigationOptions, body.user.id) })
      .catch((err) => deps.log.warn({ err, user: body.user.id }, 'could not open the update form'));
  };
}

export function snoozeUpdate(deps: SlackDeps) {
  return async ({ ack, body, client }: Args) => {
    await ack();
    const actor = body.user.id;
    const roomId = body.channel?.id ?? '';
    const log = deps.log.child({ team: body.team?.id, user: actor, channel: roomId, action: 'snooze' });
    try {
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const { state, result } = await deps.cadence.snooze(ws, roomId, actor);
      await announceInRoom(client, deps, ws, state, `<@${actor}> snoozed the update reminder until ${utc(result.until)}.`, log);
      await refreshHeader(client, deps, ws, state, log);
    } catch (e) {
      await client.chat.postEphemeral({ channel: roomId, user: actor, text: errorText(e, log) }).catch((err) => log.warn({ err }, 'ephemeral failed'));
    }
  };
}
