// The playbook list's "Attach" and the escalation prompt's "Raise to SEVn" buttons.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { incidentNotFound } from '../../../../core/errors.js';
import { parseAttachPlaybook, parseRaiseSeverity } from '../../blocks/playbooks.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import { attachPlaybooks } from '../commands/playbook.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

function context(deps: SlackDeps, { body, action, client }: Args) {
  const actor = body.user.id;
  const roomId = body.channel?.id ?? '';
  const log = deps.log.child({ team: body.team?.id, user: actor, channel: roomId, action: action.action_id });
  const tell = (text: string) => client.chat.postEphemeral({ channel: roomId, user: actor, text }).catch((err) => log.warn({ err }, 'ephemeral failed'));
  return { actor, roomId, log, tell, incidentId: action.value ?? '' };
}

export function attachPlaybook(deps: SlackDeps) {
  return async (args: Args) => {
    await args.ack();
    const { actor, roomId, log, tell, incidentId } = context(deps, args);
    try {
      const ws = await slackWorkspace(deps, args.body.team?.id ?? args.body.user.team_id);
      const here = await deps.incidents.inRoom(ws, roomId);
      if (here.incident.id !== incidentId) throw incidentNotFound();
      const { attached, post } = await attachPlaybooks(deps, ws, incidentId, actor, [parseAttachPlaybook(args.action.action_id) ?? '']);
      if (attached.length === 0) return void (await tell('That playbook is already attached.'));
      await post(args.client, log);
    } catch (e) {
      await tell(errorText(e, log));
    }
  };
}

export function raiseSeverity(deps: SlackDeps) {
  return async (args: Args) => {
    await args.ack();
    const { actor, roomId, log, tell, incidentId } = context(deps, args);
    try {
      const ws = await slackWorkspace(deps, args.body.team?.id ?? args.body.user.team_id);
      const here = await deps.incidents.inRoom(ws, roomId);
      if (here.incident.id !== incidentId) throw incidentNotFound();
      const to = parseRaiseSeverity(args.action.action_id);
      if (!to) throw new Error(`unparsable severity action ${args.action.action_id}`);
      const { state, result } = await deps.incidents.changeSeverity(ws, incidentId, actor, to, 'raised from a playbook prompt');
      if (!result) return void (await tell(`The incident is already ${to}.`));
      await announceInRoom(args.client, deps, ws, state, `Severity raised from ${result.from} to *${to}* by <@${actor}> (playbook prompt).`, log);
      await refreshHeader(args.client, deps, ws, state, log);
    } catch (e) {
      await tell(errorText(e, log));
    }
  };
}
