// Platform-neutral view models of an incident. Surfaces render these; they hold no logic of their own.
import { UPDATE_JOB } from '../cadence/rules.js';
import { holderOf, pendingJob, type IncidentState, type Role, type Severity, type Area } from '../incidents/model.js';
import { requiredRoles } from '../incidents/rules.js';
import type { Runbook } from '../runbook/checklists.js';
import type { IncidentModel } from '../runbook/schema.js';
import type { LiftControl } from '../actions/service.js';
import type { Rich } from './rich-text.js';

export type RoleLine = { role: Role; name: string; userId: string | null; required: boolean };

export type HeaderView = {
  incidentId: string;
  number: number;
  title: string;
  severity: Severity;
  severityDefinition: string;
  status: string;
  areas: string[];
  tenants: string[];
  channels: string[];
  environments: string[];
  integrityUncertain: boolean;
  roles: RoleLine[];
  declaredBy: string;
  declaredAt: Date;
  lastUpdateAt: Date | null;
  /** When the next §7.1 update is due; null when none is scheduled. */
  nextUpdateDueAt: Date | null;
  /** Freezes, pauses and holds in force, each with the title of the action that lifts it. */
  inForce: { requestId: string; text: Rich; lift: string; control: LiftControl }[];
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

export function headerView(model: IncidentModel, state: IncidentState, inForce: HeaderView['inForce'] = []): HeaderView {
  const i = state.incident;
  return {
    incidentId: i.id,
    number: i.number,
    title: i.title,
    severity: i.severity,
    severityDefinition: model.severities[i.severity],
    status: i.status === 'resolved' && i.resolvedAt ? `resolved after ${Math.round((i.resolvedAt.getTime() - i.declaredAt.getTime()) / 60_000)} min` : i.status,
    areas: i.areas.map((a) => model.areas[a].label),
    tenants: i.tenants,
    channels: i.channels,
    environments: i.environments,
    integrityUncertain: i.integrityUncertain,
    roles: roleLines(model, state),
    declaredBy: i.declaredBy,
    declaredAt: i.declaredAt,
    lastUpdateAt: i.lastUpdateAt,
    nextUpdateDueAt: pendingJob(state, UPDATE_JOB)?.dueAt ?? null,
    inForce,
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
