// `/incident playbook [id | 6.n ...]`: with no argument, the §6 playbooks with their §10 symptoms and
// an Attach button each; with arguments, attaches those playbooks and posts them.
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import type { IncidentState, Workspace } from '../../../../core/incidents/model.js';
import type { Logger } from '../../../../log.js';
import { playbookList } from '../../blocks/playbooks.js';
import { postChecklist, promptEscalations } from '../../checklist-messages.js';
import { slackWorkspace, type SlackDeps, type WebClient } from '../../context.js';
import { refreshHeader } from '../../room.js';
import type { Subcommand } from './types.js';

/** Accepts a playbook id (`bad-release`) or its runbook reference (`6.1`). */
function playbookId(deps: SlackDeps, token: string): string {
  const t = token.toLowerCase().replace(/^§/, '');
  const p = deps.checklists.runbook.playbooks.find((x) => x.id === t || x.ref === t);
  if (!p) {
    const known = deps.checklists.runbook.playbooks.map((x) => `${x.ref} ${x.id}`).join(', ');
    throw new DomainError(ErrorCode.InvalidInput, `"${token}" is not a playbook. Use one of: ${known}.`);
  }
  return p.id;
}

/** Attaches playbooks and posts them with any escalation prompt; shared by the command and the button. */
export async function attachPlaybooks(deps: SlackDeps, ws: Workspace, incidentId: string, actor: string, ids: string[]) {
  const { state, result } = await deps.checklists.attach(ws, incidentId, actor, ids);
  const post = async (client: WebClient, log: Logger) => {
    for (const c of result.attached) await postChecklist(client, deps, ws, state, c, log);
    await promptEscalations(client, state, result.prompts, log);
    // The header lists the attached playbooks and their progress.
    if (result.attached.length > 0) await refreshHeader(client, deps, ws, state, log);
  };
  return { state, attached: result.attached, post };
}

const listFor = (deps: SlackDeps, s: IncidentState) => playbookList(deps.checklists.runbook, s.checklists.map((c) => c.checklistId), s.incident.id);

export const playbook: Subcommand = async ({ deps, client, input, log }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  if (input.args.length === 0) {
    const list = listFor(deps, here);
    return { reply: list.text, blocks: list.blocks };
  }
  const ids = input.args.map((a) => playbookId(deps, a));
  const { attached, post } = await attachPlaybooks(deps, ws, here.incident.id, input.userId, ids);
  if (attached.length === 0) return { reply: 'Those playbooks are already attached; `/incident checklist` posts them again.' };
  return { reply: `Attached ${attached.map((p) => p.title).join(', ')}.`, after: () => post(client, log) };
};
