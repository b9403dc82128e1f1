// The §9.1 postmortem packet as Markdown for readers outside chat (a GitHub file, a review): every
// time to the second in UTC, steps by their runbook text, people by display name and id, what each
// incomplete part still needs, and the timeline's hash-chain head so the packet can be checked
// against the stored timeline. Written from stored data only: the timeline, the scope, the written
// sections, the corrective actions, severity history, roles, actions and the updates posted.
import type { TimelineEvent } from '../ports.js';
import { allChecklists, findItem, type Runbook } from '../runbook/checklists.js';
import type { IncidentModel } from '../runbook/schema.js';
import type { IncidentState, Role } from '../incidents/model.js';

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

/** Display names by user id, as the surface's directory knows them; a missing id shows as the id alone. */
export type Names = ReadonlyMap<string, string>;

export type PacketContent = { model: IncidentModel; runbook: Runbook };

/** Event data fields that hold a user id. */
const PERSON_FIELDS = ['userId', 'previous', 'owner'] as const;

/** Every user id the packet names, so that the caller can look their names up once. */
export function peopleIn(s: IncidentState, timeline: readonly Pick<TimelineEvent, 'actor' | 'data'>[]): string[] {
  const ids = new Set<string>([s.incident.declaredBy, ...s.holders.map((h) => h.userId)]);
  for (const f of s.followups) if (f.owner) ids.add(f.owner);
  for (const e of timeline) {
    if (e.actor) ids.add(e.actor);
    const d = (e.data ?? {}) as Record<string, unknown>;
    for (const k of PERSON_FIELDS) if (typeof d[k] === 'string' && d[k]) ids.add(d[k] as string);
  }
  return [...ids];
}

/** 2026-03-02 09:04:17 UTC: to the second, so that events close together keep their order for a reader. */
export const utcSeconds = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** People's text in Markdown: no HTML, no mention markup a renderer would swallow, one line. */
const text = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s*\r?\n\s*/g, ' / ');
const str = (v: unknown) => text(typeof v === 'string' ? v : JSON.stringify(v));

/** How the packet writes people and steps. */
type Speaker = { who: (id: string | null | undefined) => string; step: (itemId: unknown) => string; checklist: (id: unknown) => string };

function speaker(content: PacketContent, names: Names): Speaker {
  return {
    who: (id) => {
      if (!id) return 'the bot';
      const name = names.get(id);
      return name ? `${text(name)} (${id})` : id;
    },
    step: (itemId) => {
      const found = typeof itemId === 'string' ? findItem(content.runbook, itemId) : undefined;
      return found ? `“${text(found.item.text)}” (§${found.checklist.ref})` : str(itemId);
    },
    checklist: (id) => {
      const c = allChecklists(content.runbook).find((x) => x.id === id);
      return c ? text(`§${c.ref} ${c.title}`) : str(id);
    },
  };
}

const STEP_VERBS: Record<string, string> = {
  'checklist.item.done': 'Step done',
  'checklist.item.skipped': 'Step skipped',
  'checklist.item.na': 'Step marked not applicable',
  'checklist.item.undone': 'Step reopened',
};

/** One line per event; unknown types still appear, with their data, so nothing is left out. */
export function describeEvent(e: Pick<TimelineEvent, 'type' | 'actor' | 'data'>, content: PacketContent, names: Names = new Map()): string {
  // A stored reason or detail names people as `@{id}`: the reader sees who they are.
  const { who } = speaker(content, names);
  return eventLine(e, content, names).replace(/@\{([^{}\s]+)\}/g, (_m, id: string) => who(id));
}

function eventLine(e: Pick<TimelineEvent, 'type' | 'actor' | 'data'>, content: PacketContent, names: Names): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const { who, step, checklist } = speaker(content, names);
  const role = (r: unknown) => content.model.roles[r as Role]?.name ?? str(r);
  switch (e.type) {
    case 'incident.declared':
      return `Declared “${str(d.title)}” at ${str(d.severity)}`;
    case 'incident.investigating':
      return d.by === 'action-request' ? `Investigating: first containment action requested (${str(d.actionId)})` : `Investigating: first triage step, ${step(d.itemId)}`;
    case 'role.assigned':
      return `${role(d.role)}: ${who(d.userId as string)}${d.previous ? ` (was ${who(d.previous as string)})` : ''}`;
    case 'severity.changed':
      return `Severity ${str(d.from)} → ${str(d.to)}${d.reason ? `: ${str(d.reason)}` : ''}`;
    case 'room.created':
      return `Channel #${str(d.name)} created`;
    case 'checklist.attached':
      return `Checklist attached: ${checklist(d.checklistId)}`;
    case 'checklist.item.done':
    case 'checklist.item.skipped':
    case 'checklist.item.na':
    case 'checklist.item.undone':
      return `${STEP_VERBS[e.type]}: ${step(d.itemId)}${d.reason ? ` (reason: ${str(d.reason)})` : ''}`;
    case 'update.posted':
      return `Status update: ${str(d.changed)} | impact: ${str(d.impact)} | mitigation: ${str(d.mitigation)} | next: ${str(d.nextActions)} (owner ${who(d.owner as string)})`;
    case 'update.missed':
    case 'update.missed.escalated':
      return `Update reminder ${str(d.missed)} in a row${e.type.endsWith('escalated') ? ', escalated' : ''}`;
    case 'incident.resolved':
      return `Resolved after ${Math.round(Number(d.durationMs) / 60_000)} min`;
    case 'incident.mitigated':
      return 'Marked mitigated';
    case 'incident.reopened': {
      const steps = Array.isArray(d.reopenedSteps) ? d.reopenedSteps.length : 0;
      return `Reopened${d.reason ? `: ${str(d.reason)}` : ''}${steps ? `; ${steps} §8 step(s) open again` : ''}`;
    }
    case 'incident.closed':
      return 'Closed: the postmortem packet is complete';
    case 'orgo_case.recorded':
      return `Governed Orgo Case recorded: ${str(d.url)}${d.itemId ? `; step done: ${step(d.itemId)}` : ''}`;
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
      return `${text(e.type)}${Object.keys(d).length ? ` ${str(d)}` : ''}`;
  }
}

const cell = (t: string) => t.replace(/\|/g, '\\|');
const TO_WRITE = 'the postmortem edit form in the incident channel';

/** A written section, or what it still needs. */
function writtenSection(title: string, body: string | undefined): string {
  const t = body?.trim();
  return t ? `## ${title}\n\n${t.split(/\r?\n/).map(text).join('  \n')}\n` : `## ${title}\n\n> **Incomplete:** not written yet. Write it with ${TO_WRITE}.\n`;
}

const section = (title: string, body: string) => `## ${title}\n\n${body}\n`;

/** §9.1 part by part: done, or what "incomplete" means for it. */
function completeness(s: IncidentState, timeline: readonly TimelineEvent[]): { complete: boolean; lines: string[] } {
  const i = s.incident;
  const gaps = packetGaps(s);
  const written = (title: string) => !gaps.sections.includes(title);
  const scope = i.tenants.length > 0 || i.channels.length > 0;
  const parts: [boolean, string][] = [
    [true, `Timeline (UTC): ${timeline.length} events from the stored, hash-chained timeline.`],
    [scope, scope ? 'Impact scope: tenants or channels named at declaration.' : 'Impact scope: no tenants or channels were named at declaration; say who was affected under "Root cause: technical".'],
    ...REQUIRED_SECTIONS.map(([, title]): [boolean, string] => [written(title), written(title) ? `${title}: written.` : `${title}: not written yet.`]),
    [
      s.followups.length > 0 && gaps.followups.length === 0,
      s.followups.length === 0
        ? 'Corrective actions: none recorded; add at least one, with an owner and a deadline (§9.2).'
        : gaps.followups.length
          ? `Corrective actions: ${gaps.followups.map((n) => `#${n}`).join(', ')} lack an owner or a deadline.`
          : `Corrective actions: ${s.followups.length}, each with an owner and a deadline.`,
    ],
  ];
  return { complete: packetComplete(s), lines: parts.map(([ok, line]) => `- [${ok ? 'x' : ' '}] ${line}`) };
}

export function renderPacket(s: IncidentState, timeline: TimelineEvent[], content: PacketContent, generatedAt: Date, names: Names = new Map()): string {
  const { who } = speaker(content, names);
  const describe = (e: TimelineEvent) => describeEvent(e, content, names);
  const { model } = content;
  const i = s.incident;
  const p = s.postmortem;
  const head = timeline.at(-1);
  const { complete, lines } = completeness(s, timeline);
  const byType = (pred: (t: string) => boolean) => timeline.filter((e) => pred(e.type));
  const list = (items: string[], none: string) => (items.length ? items.join('\n') : `_${none}_`);
  const followups = s.followups.map(
    (f) => `| ${f.seq} | ${cell(text(f.title))} | ${f.owner ? cell(who(f.owner)) : '**missing**'} | ${f.dueOn ? f.dueOn.toISOString().slice(0, 10) : '**missing**'} | ${f.doneAt ? `done ${utcSeconds(f.doneAt)}` : 'open'} |`,
  );
  const declaredAt = (timeline[0]?.data as { severity?: string } | undefined)?.severity ?? i.severity;
  return [
    `# Postmortem: incident #${i.number}, ${text(i.title)}`,
    '',
    ...(i.drill ? ['> **DRILL**: a practice incident, declared by a drill; nothing here happened for real.', ''] : []),
    `- Severity: ${i.severity}; status: ${i.status}`,
    `- Declared: ${utcSeconds(i.declaredAt)} by ${who(i.declaredBy)}`,
    `- Resolved: ${i.resolvedAt ? `${utcSeconds(i.resolvedAt)} (after ${Math.round((i.resolvedAt.getTime() - i.declaredAt.getTime()) / 60_000)} min)` : 'not yet'}`,
    `- Governed Orgo Case: ${i.orgoCaseUrl ? text(i.orgoCaseUrl) : 'not recorded'}`,
    `- Packet: ${complete ? 'complete' : 'incomplete (see Completeness)'}`,
    `- Timeline chain head: ${head ? `event #${head.seq}, SHA-256 \`${head.hash}\` (\`npm run timeline:verify\` checks the stored chain ends here)` : 'no events'}`,
    `- Generated: ${utcSeconds(generatedAt)}`,
    '',
    section(
      'Completeness (§9.1)',
      `${complete ? 'Every part the runbook requires is there.' : 'Incomplete: the parts left unticked below still need work. When all are ticked, the Incident Commander can close the incident.'}\n\n${lines.join('\n')}`,
    ),
    section(
      'Impact scope',
      [`- Tenants: ${i.tenants.map(text).join(', ') || 'none given'}`, `- Channels: ${i.channels.map(text).join(', ') || 'none given'}`, `- Environments: ${i.environments.map(text).join(', ') || 'none given'}`, `- Areas: ${i.areas.map((a) => model.areas[a].label).join(', ') || 'none given'}`].join('\n'),
    ),
    writtenSection('Root cause: technical', p?.rootCauseTechnical),
    writtenSection('Root cause: process', p?.rootCauseProcess),
    `Root cause verified: ${p?.rootCauseVerified ? 'yes' : 'no'}\n`,
    writtenSection('What worked', p?.whatWorked),
    writtenSection("What didn't", p?.whatDidNot),
    section(
      'Corrective actions',
      followups.length
        ? ['| # | Action | Owner | Deadline | State |', '| --- | --- | --- | --- | --- |', ...followups].join('\n')
        : '> **Incomplete:** no corrective action yet. Add them, each with an owner and a deadline (§9.2).',
    ),
    section('Severity history', [`- ${utcSeconds(i.declaredAt)}: declared at ${declaredAt}`, ...byType((t) => t === 'severity.changed').map((e) => `- ${utcSeconds(e.occurredAt)}: ${describe(e)}`)].join('\n')),
    section('Roles', list(byType((t) => t === 'role.assigned').map((e) => `- ${utcSeconds(e.occurredAt)}: ${describe(e)}`), 'None recorded.')),
    section('Actions and outcomes', list(byType((t) => t.startsWith('action.')).map((e) => `- ${utcSeconds(e.occurredAt)}: ${describe(e)}`), 'None recorded.')),
    section('Updates posted', list(byType((t) => t === 'update.posted').map((e) => `- ${utcSeconds(e.occurredAt)} by ${who(e.actor)}: ${describe(e)}`), 'None posted.')),
    section(
      'Timeline (UTC)',
      ['| Time (UTC) | # | Who | What |', '| --- | --- | --- | --- |', ...timeline.map((e) => `| ${utcSeconds(e.occurredAt).slice(0, -4)} | ${e.seq} | ${cell(who(e.actor))} | ${cell(describe(e))} |`)].join('\n'),
    ),
  ].join('\n');
}
