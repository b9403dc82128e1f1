// The playbook list's "Attach" and the escalation prompt's "Raise to SEVn" buttons. Both act on
// the incident of the channel they are clicked in; the id in the payload must match it.
import { incidentNotFound } from '../../../../core/errors.js';
import { parseAttachPlaybook, parseRaiseSeverity } from '../../blocks/playbooks.js';
import type { SlackDeps } from '../../context.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import { attachPlaybooks } from '../commands/playbook.js';
import { click, type Click } from './click.js';

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
  button(deps, async ({ ws, actor, incidentId, log, tell, args }) => {
    const to = parseRaiseSeverity(args.action.action_id);
    if (!to) throw incidentNotFound();
    const { state, result } = await deps.incidents.changeSeverity(ws, incidentId, actor, to, 'raised from a playbook prompt');
    if (!result) return void (await tell(`The incident is already ${to}.`));
    await announceInRoom(args.client, deps, ws, state, `Severity raised from ${result.from} to *${to}* by <@${actor}> (playbook prompt).`, log);
    await refreshHeader(args.client, deps, ws, state, log);
  });
