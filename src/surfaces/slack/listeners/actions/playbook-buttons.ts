// The playbook list's "Attach" and the escalation prompt's "Raise to SEVn" buttons. Both act on
// the incident of the channel they are clicked in; the id in the payload must match it.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { incidentNotFound } from '../../../../core/errors.js';
import type { Workspace } from '../../../../core/incidents/model.js';
import type { Logger } from '../../../../log.js';
import { parseAttachPlaybook, parseRaiseSeverity } from '../../blocks/playbooks.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import { attachPlaybooks } from '../commands/playbook.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
type Click = { ws: Workspace; actor: string; incidentId: string; log: Logger; tell: (text: string) => Promise<unknown>; args: Args };

/** Acks, checks the claimed incident is this channel's, runs `handle`, and answers any refusal privately. */
function button(deps: SlackDeps, handle: (c: Click) => Promise<void>) {
  return async (args: Args) => {
    await args.ack();
    const { body, action, client } = args;
    const actor = body.user.id;
    const roomId = body.channel?.id ?? '';
    const log = deps.log.child({ team: body.team?.id, user: actor, channel: roomId, action: action.action_id });
    const tell = (text: string) => client.chat.postEphemeral({ channel: roomId, user: actor, text }).catch((err) => log.warn({ err }, 'ephemeral failed'));
    try {
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const here = await deps.incidents.inRoom(ws, roomId);
      if (here.incident.id !== action.value) throw incidentNotFound();
      await handle({ ws, actor, incidentId: here.incident.id, log, tell, args });
    } catch (e) {
      await tell(errorText(e, log));
    }
  };
}

export const attachPlaybook = (deps: SlackDeps) =>
  button(deps, async ({ ws, actor, incidentId, log, tell, args }) => {
    const { attached, post } = await attachPlaybooks(deps, ws, incidentId, actor, [parseAttachPlaybook(args.action.action_id) ?? '']);
    if (attached.length === 0) return void (await tell('That playbook is already attached.'));
    await post(args.client, log);
  });

export const raiseSeverity = (deps: SlackDeps) =>
  button(deps, async ({ ws, actor, incidentId, log, tell, args }) => {
    const to = parseRaiseSeverity(args.action.action_id);
    if (!to) throw incidentNotFound();
    const { state, result } = await deps.incidents.changeSeverity(ws, incidentId, actor, to, 'raised from a playbook prompt');
    if (!result) return void (await tell(`The incident is already ${to}.`));
    await announceInRoom(args.client, deps, ws, state, `Severity raised from ${result.from} to *${to}* by <@${actor}> (playbook prompt).`, log);
    await refreshHeader(args.client, deps, ws, state, log);
  });
