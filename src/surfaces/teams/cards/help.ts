// `@Incident help`: the commands, as Teams users type them. The same words as Slack's /incident.
import { card, heading, small, textBlock, type Card } from './card.js';

const LINES: [string, string][] = [
  ['declare [title]', 'open the declare form; a room, an IC and the required leads follow.'],
  ['assign <role> @person', 'hand a role over (IC only). Roles: ic, ops, sec, orgo, konnaxion, architect, swarmcraft.'],
  ['severity SEV<0-4> [reason]', 'change the severity (IC only; runbook §4 sets the floor).'],
  ['update', 'post a §7.1 status update (what changed, impact, mitigation, next actions + owner).'],
  ['status', "show the incident's header, only to you."],
  ['checklist [recovery | <playbook>]', 'post the checklists again, or attach and post one.'],
  ['playbook [6.n | <id> ...]', 'list the §6 playbooks by symptom, or attach some.'],
  ['mitigate · resolve · reopen [reason]', 'status (IC only; resolve needs every §8 step and the Orgo Case).'],
  ['case <link>', 'record the governed Orgo Case (§8).'],
  ['postmortem [edit]', 'share the §9.1 packet, or fill its written sections.'],
  ['followup add | list | done <n>', 'corrective actions with owners and deadlines (§9.2).'],
  ['external', 'draft an external update (§7.2 conditions apply).'],
  ['actions', '§6 containment actions behind the §2 gates, approvals waiting, actions in force.'],
  ['list', 'open incidents in this tenant.'],
  ['help', 'this message.'],
];

export function helpCard(): Card {
  return card([
    heading('Incident commands'),
    ...LINES.map(([cmd, what]) => textBlock(`\`@Incident ${cmd}\`: ${what}`)),
    small("In a channel, mention the bot; in a personal chat, just type the command. Every command except declare, list and help runs inside the incident's room."),
  ]);
}

export const HELP_COMMANDS = LINES.map(([cmd, what]) => ({ title: cmd.split(' ')[0]!, description: what }));
