// The frame every button listener shares: ack first, resolve the workspace, run the handler, and
// answer any refusal or failure privately to whoever clicked.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Workspace } from '../../../../core/incidents/model.js';
import type { Logger } from '../../../../log.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';

export type ClickArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type Click = { ws: Workspace; actor: string; roomId: string; log: Logger; tell: (text: string) => Promise<unknown>; args: ClickArgs };

export function click(deps: SlackDeps, handle: (c: Click) => Promise<void>) {
  return async (args: ClickArgs) => {
    await args.ack();
    const { body, action, client } = args;
    const actor = body.user.id;
    const roomId = body.channel?.id ?? '';
    const log = deps.log.child({ team: body.team?.id, user: actor, channel: roomId, action: action.action_id });
    const tell = (text: string) => client.chat.postEphemeral({ channel: roomId, user: actor, text }).catch((err) => log.warn({ err }, 'ephemeral failed'));
    try {
      await handle({ ws: await slackWorkspace(deps, body.team?.id ?? body.user.team_id), actor, roomId, log, tell, args });
    } catch (e) {
      await tell(errorText(e, log));
    }
  };
}
