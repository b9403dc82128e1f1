// The playbook list's "Attach" and the escalation prompt's "Raise to SEVn" buttons. Both act on
// the incident of the channel they are clicked in; the id in the payload must match it.
import { incidentNotFound } from '../../../../core/errors.js';
import type { types } from '@slack/bolt';
import { parseAttachPlaybook, parseRaiseSeverity, settledEscalationPrompt } from '../../blocks/playbooks.js';
import type { SlackDeps } from '../../context.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import { attachPlaybooks } from '../commands/playbook.js';
import { click, type Click } from './click.js';

type KnownBlock = types.KnownBlock;

/** A click whose payload names this channel's incident; any other id is refused. */
function button(deps: SlackDeps, handle: (c: Click & { incidentId: string }) => Promise<void>) {
  return click(deps, async (c) => {
    const here = await deps.incidents.inRoom(c.ws, c.roomId);
    if (here.incident.id !== c.args.action.value) throw incidentNotFound();
    await handle({ ...c, incidentId: here.incident.id });
  });
}

export const attachPlaybook = (deps: SlackDeps) =>
  button(deps, async ({ ws, actor, incidentId, log, tell, args }) => {
    const { attached, post } = await attachPlaybooks(deps, ws, incidentId, actor, [parseAttachPlaybook(args.action.action_id) ?? '']);
    if (attached.length === 0) return void (await tell('That playbook is already attached.'));
    await post(args.client, log);
  });

export const raiseSeverity = (deps: SlackDeps) =>
  button(deps, async ({ ws, actor, roomId, incidentId, log, tell, args }) => {
    const to = parseRaiseSeverity(args.action.action_id);
    if (!to) throw incidentNotFound();
    const { state, result } = await deps.incidents.changeSeverity(ws, incidentId, actor, to, 'raised from a playbook prompt', { onlyRaise: true });
    // Raised now, or already there: either way the prompt's buttons have done their job.
    const outcome = result ? `Raised from ${result.from} to *${to}* by <@${actor}>.` : `No raise needed: the incident is already ${state.incident.severity}.`;
    const prompt = args.body.message;
    if (prompt?.ts) {
      await args.client.chat
        .update({ channel: roomId, ts: prompt.ts, text: prompt.text ?? outcome, blocks: settledEscalationPrompt((prompt.blocks ?? []) as KnownBlock[], outcome) })
        .catch((err) => log.warn({ err }, 'could not retire the escalation prompt'));
    }
    if (!result) return void (await tell(`The incident is already ${state.incident.severity}.`));
    await announceInRoom(args.client, deps, ws, state, `Severity raised from ${result.from} to *${to}* by <@${actor}> (playbook prompt).`, log);
    await refreshHeader(args.client, deps, ws, state, log);
  });
