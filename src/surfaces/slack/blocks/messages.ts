// Short channel messages that accompany a change, and the help text.
import type { HeaderView } from '../../../core/views/incident.js';
import { escape } from './text.js';

export function announcement(v: HeaderView, roomId: string): string {
  return `:rotating_light: Incident #${v.number} declared: *${escape(v.title)}* (${v.severity}). Join <#${roomId}>; the IC is <@${v.roles.find((r) => r.role === 'ic')?.userId ?? v.declaredBy}>.`;
}

export const HELP = [
  '*Incident commands*',
  '`/incident declare [title]`: open the declare form; a channel, an IC and the required leads follow.',
  '`/incident assign <role> @user`: hand a role over (IC only). Roles: ic, ops, sec, orgo, konnaxion, architect, swarmcraft.',
  '`/incident severity SEV<0-4> [reason]`: change the severity (IC only; runbook §4 sets the floor).',
  '`/incident update`: post a §7.1 status update (what changed, impact, mitigation, next actions + owner).',
  '`/incident status`: show the incident\'s header here, only to you.',
  '`/incident checklist [recovery | <playbook>]`: post the checklists again, or attach and post one.',
  '`/incident playbook [6.n | <id> ...]`: list the §6 playbooks by symptom, or attach some.',
  '`/incident mitigate` · `/incident resolve` · `/incident reopen [reason]`: status (IC only; resolve needs every §8 step and the Orgo Case).',
  '`/incident close`: close a resolved incident once its postmortem packet is complete (IC only, §9).',
  '`/incident case <link>`: record the governed Orgo Case; it ticks its §8 recovery step too.',
  '`/incident postmortem [edit]`: upload the §9.1 packet, or fill its written sections.',
  '`/incident followup add | list | done <n>`: corrective actions with owners and deadlines (§9.2).',
  '`/incident external`: draft an external update (§7.2 conditions apply).',
  '`/incident actions`: §6 containment actions behind the §2 gates, approvals waiting, actions in force.',
  '`/incident list`: open incidents in this workspace.',
  '`/incident help`: this message.',
  'Every command except declare, list and help runs inside the incident\'s channel.',
].join('\n');
