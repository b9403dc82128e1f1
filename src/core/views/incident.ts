// Platform-neutral view models of an incident. Surfaces render these; they hold no logic of their own.
import { OPEN_STATUSES, UPDATE_JOB } from '../cadence/rules.js';
import { progress } from '../checklists/state.js';
import { holderOf, pendingJob, type IncidentState, type Role, type Severity, type Status, type Area } from '../incidents/model.js';
import { requiredRoles } from '../incidents/rules.js';
import { allChecklists, type Runbook } from '../runbook/checklists.js';
import type { ChecklistKind } from '../runbook/checklist-schema.js';
import type { IncidentModel } from '../runbook/schema.js';
import { durationLabel } from './duration.js';
import type { LiftControl } from '../actions/service.js';
import type { Rich } from './rich-text.js';
import { utc } from './text.js';

export type RoleLine = { role: Role; name: string; userId: string | null; required: boolean };

/** An attached checklist and how far along it is: settled (done, skipped, n/a) over all its steps. */
export type ChecklistProgress = { id: string; kind: ChecklistKind; ref: string; title: string; settled: number; total: number; label: string };

/** Which of the header's buttons the status leaves live. */
export type HeaderOffers = { postUpdate: boolean; takeRole: boolean; lift: boolean };

export type HeaderView = {
  incidentId: string;
  number: number;
  title: string;
  severity: Severity;
  severityDefinition: string;
  status: Status;
  /** The status in words, e.g. "resolved after 42 min". */
  statusLabel: string;
  /** What the status means for the room now, in one sentence. */
  statusNote: string;
  areas: string[];
  tenants: string[];
  channels: string[];
  environments: string[];
  integrityUncertain: boolean;
  roles: RoleLine[];
  declaredBy: string;
  declaredAt: Date;
  /** When the view was made: elapsed times are as of then. */
  asOf: Date;
  /** Time since declaration (until resolution, once resolved); `running` while the incident is open. */
  elapsed: { ms: number; label: string; running: boolean };
  /** Every attached checklist, in the order attached, with its progress. */
  checklists: ChecklistProgress[];
  /** The attached §6 playbooks (also among `checklists`). */
  playbooks: { id: string; ref: string; title: string }[];
  /** The governed Orgo Case, once recorded. */
  orgoCaseUrl: string | null;
  lastUpdateAt: Date | null;
  /** When the next §7.1 update is due; null when none is scheduled. */
  nextUpdateDueAt: Date | null;
  /** The next update's due time has passed. */
  updateOverdue: boolean;
  /** Freezes, pauses and holds in force, each with the title of the action that lifts it. */
  inForce: { requestId: string; text: Rich; lift: string; control: LiftControl }[];
  /** A drill's incident: practice. */
  drill?: boolean;
  offers: HeaderOffers;
};

/** Required roles, filled or not, then any other role someone holds. */
export function roleLines(model: IncidentModel, state: IncidentState): RoleLine[] {
  const required = requiredRoles(model, state.incident.areas);
  const held = state.holders.map((h) => h.role).filter((r) => !required.includes(r));
  return [...required, ...held].map((role) => ({
    role,
    name: model.roles[role].name,
    userId: holderOf(state, role) ?? null,
    required: required.includes(role),
  }));
}

const POSTMORTEM_DUE_MS = 72 * 3_600_000;

function statusWords(i: IncidentState['incident'], elapsed: string): { label: string; note: string } {
  switch (i.status) {
    case 'declared':
      return { label: 'declared', note: 'Declared: triage has not started yet.' };
    case 'investigating':
      return { label: 'investigating', note: 'Investigating: triage or containment is under way.' };
    case 'mitigated':
      return { label: 'mitigated', note: 'Mitigated: impact is contained; updates stay due until it is resolved.' };
    case 'resolved': {
      const due = i.resolvedAt ? ` by ${utc(new Date(i.resolvedAt.getTime() + POSTMORTEM_DUE_MS))}` : '';
      return { label: `resolved after ${elapsed}`, note: `Resolved: updates have stopped; the postmortem packet is due${due}, then the IC closes the incident.` };
    }
    case 'closed':
      return { label: `closed (resolved after ${elapsed})`, note: 'Closed: the postmortem packet is complete.' };
  }
}

export type HeaderContent = { model: IncidentModel; runbook: Runbook };

export function headerView(content: HeaderContent, state: IncidentState, live: { now: Date; inForce?: HeaderView['inForce'] }): HeaderView {
  const { model, runbook } = content;
  const i = state.incident;
  const open = OPEN_STATUSES.has(i.status);
  const until = !open && i.resolvedAt ? i.resolvedAt : live.now;
  const ms = until.getTime() - i.declaredAt.getTime();
  const words = statusWords(i, durationLabel(ms));
  const states = new Map(Object.entries(state.items));
  const attached = state.checklists.flatMap((a) => allChecklists(runbook).filter((c) => c.id === a.checklistId));
  const nextUpdateDueAt = pendingJob(state, UPDATE_JOB)?.dueAt ?? null;
  return {
    incidentId: i.id,
    number: i.number,
    title: i.title,
    severity: i.severity,
    severityDefinition: model.severities[i.severity],
    status: i.status,
    statusLabel: words.label,
    statusNote: words.note,
    areas: i.areas.map((a) => model.areas[a].label),
    tenants: i.tenants,
    channels: i.channels,
    environments: i.environments,
    integrityUncertain: i.integrityUncertain,
    roles: roleLines(model, state),
    declaredBy: i.declaredBy,
    declaredAt: i.declaredAt,
    asOf: live.now,
    elapsed: { ms, label: durationLabel(ms), running: open },
    checklists: attached.map((c) => {
      const p = progress(c.sections.flatMap((sec) => sec.items), states);
      return { id: c.id, kind: c.kind, ref: c.ref, title: c.title, settled: p.settled, total: p.total, label: p.label };
    }),
    playbooks: attached.filter((c) => c.kind === 'playbook').map((c) => ({ id: c.id, ref: c.ref, title: c.title })),
    orgoCaseUrl: i.orgoCaseUrl,
    lastUpdateAt: i.lastUpdateAt,
    nextUpdateDueAt: open ? nextUpdateDueAt : null,
    updateOverdue: open && nextUpdateDueAt !== null && nextUpdateDueAt.getTime() <= live.now.getTime(),
    inForce: live.inForce ?? [],
    ...(i.drill ? { drill: true } : {}),
    offers: { postUpdate: open, takeRole: i.status !== 'closed', lift: i.status !== 'closed' },
  };
}

export type DeclareFormView = {
  title: string;
  severities: { value: Severity; definition: string }[];
  areas: { value: Area; label: string; detail: string }[];
  floorNote: string;
  /** §10 quick reference: a symptom picked here attaches its playbook at once. */
  symptoms: { value: string; label: string; playbook: string }[];
};

export function declareFormView(model: IncidentModel, runbook: Runbook, title: string): DeclareFormView {
  return {
    title,
    severities: Object.entries(model.severities).map(([value, definition]) => ({ value: value as Severity, definition })),
    areas: Object.entries(model.areas).map(([value, a]) => ({ value: value as Area, label: a.label, detail: a.detail })),
    floorNote: model.escalation.reason,
    symptoms: runbook.quickReference.symptoms.map((s) => ({ value: s.id, label: s.symptom, playbook: s.playbook })),
  };
}
