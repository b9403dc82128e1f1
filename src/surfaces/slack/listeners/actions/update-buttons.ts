// "Post update" (header and reminders) opens the update form; "Snooze 5 min" delays the next
// reminder once per cycle.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { utc } from '../../../../core/views/text.js';
import { updateModal } from '../../blocks/update.js';
import type { SlackDeps } from '../../context.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import { click } from './click.js';

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

export const snoozeUpdate = (deps: SlackDeps) =>
  click(deps, async ({ ws, actor, roomId, log, args }) => {
    const { state, result } = await deps.cadence.snooze(ws, roomId, actor);
    await announceInRoom(args.client, deps, ws, state, `<@${actor}> snoozed the update reminder until ${utc(result.until)}.`, log);
    await refreshHeader(args.client, deps, ws, state, log);
  });
