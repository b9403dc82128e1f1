// `/incident checklist [name]`: posts the current state of the incident's checklists again (when the
// messages were lost or buried), or attaches and posts one by name (`recovery`, a playbook id).
import { slackWorkspace } from '../../context.js';
import { postChecklist } from '../../checklist-messages.js';
import { refreshHeader } from '../../room.js';
import type { Subcommand } from './types.js';

export const checklist: Subcommand = async ({ deps, client, input, log }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  // A playbook may be named by its §6 number too, as `/incident playbook` accepts.
  const token = input.args[0]?.toLowerCase().replace(/^§/, '');
  const named = deps.checklists.runbook.playbooks.find((p) => p.ref === token)?.id ?? token;
  const { state, changed } = named ? await deps.checklists.attach(ws, here.incident.id, input.userId, [named]) : { state: here, changed: false };
  const ids = named ? [named] : state.checklists.map((c) => c.checklistId);
  const lists = ids.map((id) => deps.checklists.checklist(id)!).filter(Boolean);
  return {
    reply: `Posting ${lists.map((c) => c.title).join(', ')} below.`,
    after: async () => {
      for (const c of lists) await postChecklist(client, deps, ws, state, c, log);
      // A newly attached checklist joins the header's progress lines.
      if (changed) await refreshHeader(client, deps, ws, state, log);
    },
  };
};
