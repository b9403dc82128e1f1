// The command box speaks Slack's /incident grammar, with or without the leading "/incident"; people
// are named as @id (or just the id) of the person switcher. Parsing only: what a command means is
// the application layer's business.
import { DomainError, ErrorCode } from '../../core/errors.js';
import { command, plain, t, type Rich } from '../../core/views/rich-text.js';

export type Command =
  | { name: 'help' }
  | { name: 'declare'; title: string }
  | { name: 'assign'; role: string; userId: string }
  | { name: 'severity'; level: string; reason: string | null }
  | { name: 'status' | 'update' | 'actions' | 'mitigate' | 'resolve' | 'external' | 'list' }
  | { name: 'checklist'; which: string | null }
  | { name: 'playbook'; ids: string[] }
  | { name: 'case'; link: string }
  | { name: 'reopen'; reason: string | null }
  | { name: 'postmortem'; edit: boolean }
  | { name: 'followup'; verb: 'add' | 'list' }
  | { name: 'followup'; verb: 'done'; seq: number };

const usage = (text: Rich) => new DomainError(ErrorCode.InvalidInput, plain(text));

/** `@ops`, or `ops`: a console person id. */
const personId = (token: string | undefined) => {
  const id = token?.replace(/^@/, '');
  if (!id || !/^[a-z0-9._-]{1,50}$/i.test(id)) throw usage(t`Name the person as @id, for example ${command('assign', 'ops @ops')}.`);
  return id;
};

const orNull = (s: string) => (s.trim() ? s.trim() : null);

export function parseCommand(input: string): Command {
  const text = input.trim().replace(/^\/incident\b/i, '').trim();
  const [head = 'help', ...args] = text.split(/\s+/).filter(Boolean);
  const rest = text.slice(head.length).trim();
  const name = head.toLowerCase();
  switch (name) {
    case 'help':
    case 'status':
    case 'update':
    case 'actions':
    case 'mitigate':
    case 'resolve':
    case 'external':
    case 'list':
      return { name };
    case 'declare':
      return { name, title: rest };
    case 'assign':
      if (args.length !== 2) throw usage(t`Write it as ${command('assign', '<role> @person')}, for example ${command('assign', 'ops @ops')}.`);
      return { name, role: args[0]!, userId: personId(args[1]) };
    case 'severity':
      if (!args[0]) throw usage(t`Write it as ${command('severity', 'SEV<0-4> [reason]')}, for example ${command('severity', 'SEV1 spreading to more tenants')}.`);
      return { name, level: args[0], reason: orNull(rest.slice(args[0].length)) };
    case 'checklist':
      return { name, which: args[0] ?? null };
    case 'playbook':
      return { name, ids: args };
    case 'case':
      if (!rest) throw usage(t`Write it as ${command('case', '<link>')}, with the governed Orgo Case's link.`);
      return { name, link: rest };
    case 'reopen':
      return { name, reason: orNull(rest) };
    case 'postmortem':
      return { name, edit: args[0]?.toLowerCase() === 'edit' };
    case 'followup': {
      const verb = (args[0] ?? 'list').toLowerCase();
      if (verb === 'add' || verb === 'list') return { name, verb };
      const seq = Number(args[1]?.replace(/^#/, ''));
      if (verb === 'done' && Number.isInteger(seq) && seq > 0) return { name, verb, seq };
      throw usage(t`Use ${command('followup', 'add')}, ${command('followup', 'list')} or ${command('followup', 'done <number>')}.`);
    }
    default:
      throw new DomainError(ErrorCode.UnknownCommand, `"${head}" is not an incident command. Type help for the list.`);
  }
}

/** The command list, as Slack's /incident help gives it, in the console's words. */
export const HELP: Rich = t`Incident commands (type them here, with or without "/incident"):
${command('declare', '[title]')}: open the declare form; a room, an IC and the required leads follow.
${command('assign', '<role> @person')}: hand a role over (IC only). Roles: ic, ops, sec, orgo, konnaxion, architect, swarmcraft.
${command('severity', 'SEV<0-4> [reason]')}: change the severity (IC only; runbook §4 sets the floor).
${command('update')}: post a §7.1 status update (what changed, impact, mitigation, next actions + owner).
${command('status')}: show the incident's header here, only to you.
${command('checklist', '[recovery | <playbook>]')}: post the checklists again, or attach and post one.
${command('playbook', '[6.n | <id> ...]')}: list the §6 playbooks by symptom, or attach some.
${command('mitigate')} · ${command('resolve')} · ${command('reopen', '[reason]')}: status (IC only; resolve needs every §8 step and the Orgo Case).
${command('case', '<link>')}: record the governed Orgo Case (§8).
${command('postmortem', '[edit]')}: attach the §9.1 packet, or fill its written sections.
${command('followup', 'add | list | done <n>')}: corrective actions with owners and deadlines (§9.2).
${command('external')}: draft an external update (§7.2 conditions apply).
${command('actions')}: §6 containment actions behind the §2 gates, approvals waiting, actions in force.
${command('list')}: open incidents.
${command('help')}: this list.
Every command except declare, list and help runs inside the incident's room.`;
