// The §9.1 postmortem packet as Markdown, written from stored data: the timeline (every event, UTC,
// with its actor), the scope, the written sections (or prompts where they are still empty), the
// corrective actions, severity history, roles, actions and the updates that were posted.
import type { TimelineEvent } from '../ports.js';
import type { IncidentModel } from '../runbook/schema.js';
import type { IncidentState, Role } from '../incidents/model.js';
import { utc } from '../views/text.js';

export const REQUIRED_SECTIONS = [
  ['rootCauseTechnical', 'Root cause: technical'],
  ['rootCauseProcess', 'Root cause: process'],
  ['whatWorked', 'What worked'],
  ['whatDidNot', "What didn't"],
] as const;

/** The sections still to be written and the corrective actions lacking an owner or a deadline. */
export function packetGaps(s: IncidentState): { sections: string[]; followups: number[] } {
  const p = s.postmortem;
  return {
    sections: REQUIRED_SECTIONS.filter(([key]) => !p?.[key].trim()).map(([, title]) => title),
    followups: s.followups.filter((f) => !f.owner || !f.dueOn).map((f) => f.seq),
  };
}

export const packetComplete = (s: IncidentState): boolean => {
  const g = packetGaps(s);
  return g.sections.length === 0 && g.followups.length === 0 && s.followups.length > 0;
};

const who = (id: string | null) => (id ? `<@${id}>` : 'the bot');
const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** One line per event; unknown types still appear, with their data, so nothing is left out. */
export function describeEvent(e: Pick<TimelineEvent, 'type' | 'actor' | 'data'>, model: IncidentModel): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const role = (r: unknown) => model.roles[r as Role]?.name ?? str(r);
  switch (e.type) {
    case 'incident.declared':
      return `Declared "${str(d.title)}" at ${str(d.severity)}`;
    case 'role.assigned':
      return `${role(d.role)}: ${who(d.userId as string)}${d.previous ? ` (was ${who(d.previous as string)})` : ''}`;
    case 'severity.changed':
      return `Severity ${str(d.from)} → ${str(d.to)}${d.reason ? `: ${str(d.reason)}` : ''}`;
    case 'room.created':
      return `Channel #${str(d.name)} created`;
    case 'checklist.attached':
      return `Checklist attached: ${str(d.checklistId)}`;
    case 'checklist.item.done':
    case 'checklist.item.skipped':
    case 'checklist.item.na':
    case 'checklist.item.undone':
      return `Step ${str(d.itemId)} ${e.type.split('.').at(-1)}${d.reason ? ` (${str(d.reason)})` : ''}`;
    case 'update.posted':
      return `Status update: ${str(d.changed)} | impact: ${str(d.impact)} | mitigation: ${str(d.mitigation)} | next: ${str(d.nextActions)} (owner ${who(d.owner as string)})`;
    case 'update.missed':
    case 'update.missed.escalated':
      return `Update reminder ${str(d.missed)} in a row${e.type.endsWith('escalated') ? ', escalated' : ''}`;
    case 'incident.resolved':
      return `Resolved after ${Math.round(Number(d.durationMs) / 60_000)} min`;
    case 'incident.mitigated':
      return 'Marked mitigated';
    case 'incident.reopened':
      return `Reopened${d.reason ? `: ${str(d.reason)}` : ''}`;
    case 'orgo_case.recorded':
      return `Governed Orgo Case recorded: ${str(d.url)}`;
    case 'followup.added':
      return `Corrective action #${str(d.seq)} added: ${str(d.title)} (owner ${who(d.owner as string)}, due ${str(d.dueOn)})`;
    case 'followup.done':
      return `Corrective action #${str(d.seq)} done`;
    case 'postmortem.edited':
      return `Postmortem sections edited: ${(d.sections as string[] | undefined)?.join(', ') ?? ''}`;
    case 'external.drafted':
      return 'External update drafted';
    case 'update.snoozed':
      return `Update reminder snoozed until ${str(d.until)}`;
    case 'triage.reminder':
      return `Triage reminder: ${str(d.openSteps)} steps open`;
    case 'delivery.failed':
      return `Chat step failed: ${str(d.step)} (${str(d.detail)})`;
    default:
      return `${e.type}${Object.keys(d).length ? ` ${JSON.stringify(d)}` : ''}`;
  }
}

/** People's text goes into list items: a line break must not start a heading or a fake entry. */
const oneLine = (t: string) => t.replace(/\s*\r?\n\s*/g, ' / ');

const section = (title: string, body: string) => `## ${title}\n\n${body.trim() || '_To be written._'}\n`;
const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPacket(s: IncidentState, timeline: TimelineEvent[], model: IncidentModel, generatedAt: Date): string {
  const describe = (e: TimelineEvent) => oneLine(describeEvent(e, model));
  const i = s.incident;
  const p = s.postmortem;
  const gaps = packetGaps(s);
  const severities = timeline.filter((e) => e.type === 'severity.changed').map((e) => `${utc(e.occurredAt)}: ${describe(e)}`);
  const roles = timeline.filter((e) => e.type === 'role.assigned').map((e) => `- ${utc(e.occurredAt)}: ${describe(e)}`);
  const updates = timeline.filter((e) => e.type === 'update.posted').map((e) => `- ${utc(e.occurredAt)} by ${who(e.actor)}: ${describe(e)}`);
  const actions = timeline.filter((e) => e.type.startsWith('action.')).map((e) => `- ${utc(e.occurredAt)}: ${describe(e)}`);
  const followups = s.followups.map(
    (f) => `| ${f.seq} | ${cell(f.title)} | ${f.owner ? who(f.owner) : '**missing**'} | ${f.dueOn ? f.dueOn.toISOString().slice(0, 10) : '**missing**'} | ${f.doneAt ? `done ${utc(f.doneAt)}` : 'open'} |`,
  );
  const status = gaps.sections.length === 0 && gaps.followups.length === 0 && s.followups.length > 0 ? 'complete' : 'incomplete';
  return [
    `# Postmortem: incident #${i.number}, ${i.title}`,
    '',
    ...(i.drill ? ['> **DRILL**: a practice incident, declared by a drill; nothing here happened for real.', ''] : []),
    `- Severity: ${i.severity}; status: ${i.status}`,
    `- Declared: ${utc(i.declaredAt)} by ${who(i.declaredBy)}`,
    `- Resolved: ${i.resolvedAt ? `${utc(i.resolvedAt)} (after ${Math.round((i.resolvedAt.getTime() - i.declaredAt.getTime()) / 60_000)} min)` : 'not yet'}`,
    `- Governed Orgo Case: ${i.orgoCaseUrl ?? 'not recorded'}`,
    `- Packet: ${status}${gaps.sections.length ? `; to write: ${gaps.sections.join(', ')}` : ''}${s.followups.length === 0 ? '; no corrective actions yet' : ''}`,
    `- Generated: ${utc(generatedAt)}`,
    '',
    section(
      'Impact scope',
      [`- Tenants: ${i.tenants.join(', ') || 'none given'}`, `- Channels: ${i.channels.join(', ') || 'none given'}`, `- Environments: ${i.environments.join(', ') || 'none given'}`, `- Areas: ${i.areas.map((a) => model.areas[a].label).join(', ') || 'none given'}`].join('\n'),
    ),
    section('Root cause: technical', p?.rootCauseTechnical ?? ''),
    section('Root cause: process', p?.rootCauseProcess ?? ''),
    `Root cause verified: ${p?.rootCauseVerified ? 'yes' : 'no'}\n`,
    section('What worked', p?.whatWorked ?? ''),
    section("What didn't", p?.whatDidNot ?? ''),
    section('Corrective actions', followups.length ? ['| # | Action | Owner | Deadline | State |', '| --- | --- | --- | --- | --- |', ...followups].join('\n') : ''),
    section('Severity history', [`- ${utc(i.declaredAt)}: declared at ${(timeline[0]?.data as { severity?: string } | undefined)?.severity ?? i.severity}`, ...severities.map((l) => `- ${l}`)].join('\n')),
    section('Roles', roles.join('\n')),
    section('Actions and outcomes', actions.join('\n') || '_None recorded._'),
    section('Updates posted', updates.join('\n') || '_None posted._'),
    section('Timeline (UTC)', timeline.map((e) => `- ${utc(e.occurredAt)} · #${e.seq} · ${who(e.actor)} · ${describe(e)}`).join('\n')),
  ].join('\n');
}
