// The incident as the core sees it: plain data, no storage or chat types.
import type { ItemState } from '../checklists/state.js';

export const SEVERITIES = ['SEV0', 'SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['declared', 'investigating', 'mitigated', 'resolved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

export const AREAS = [
  'build_pipeline',
  'distribution_activation',
  'rendering',
  'execution',
  'trust_roots_keys',
  'tenant_isolation',
] as const;
export type Area = (typeof AREAS)[number];

export const ROLES = ['ic', 'ops', 'sec', 'orgo', 'konnaxion', 'architect', 'swarmcraft'] as const;
export type Role = (typeof ROLES)[number];

export const PLATFORMS = ['slack', 'teams', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A workspace as resolved from a verified request: a Slack team, a Teams tenant, the console. */
export type Workspace = { id: string; platform: Platform; externalId: string };

export type Incident = {
  id: string;
  workspaceId: string;
  number: number;
  title: string;
  severity: Severity;
  status: Status;
  areas: Area[];
  tenants: string[];
  channels: string[];
  environments: string[];
  integrityUncertain: boolean;
  roomId: string | null;
  roomName: string | null;
  originRoomId: string | null;
  declaredBy: string;
  declaredAt: Date;
  lastUpdateAt: Date | null;
  /** Update reminders posted since the last update (or the declaration). */
  updatesMissed: number;
  orgoCaseUrl: string | null;
  resolvedAt: Date | null;
  /** The timeline's last sequence number: what a render is stamped with, so an older one never paints over a newer one. */
  seq: number;
};

/** §9.1, the parts people write. */
export type PostmortemFields = {
  rootCauseTechnical: string;
  rootCauseProcess: string;
  whatWorked: string;
  whatDidNot: string;
  rootCauseVerified: boolean;
};

export type ActionStatus = 'awaiting_approval' | 'approved' | 'awaiting_confirmation' | 'succeeded' | 'failed' | 'timed_out' | 'expired';

/**
 * Where the lift of a hold stands. The hold stays in force until `succeeded`; a lift that failed,
 * timed out or whose approval expired can be asked for again.
 */
export type LiftStatus = 'awaiting_approval' | 'requested' | 'succeeded' | 'failed' | 'timed_out' | 'expired';

/** A §6 containment action request and what became of it. */
export type ActionRequest = {
  id: string;
  seq: number;
  actionId: string;
  params: Record<string, string | string[]>;
  status: ActionStatus;
  requestedBy: string;
  requestedAt: Date;
  overrideReason: string | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  outcomeDetail: string | null;
  outcomeAt: Date | null;
  /** Set once the lift has succeeded: the hold is no longer in force. */
  liftedBy: string | null;
  liftedAt: Date | null;
  liftStatus: LiftStatus | null;
  liftRequestedBy: string | null;
  liftRequestedAt: Date | null;
  liftApprovedBy: string | null;
  /** What the executor said to the last lift. */
  liftDetail: string | null;
};

/** §9.2 corrective action. */
export type Followup = { seq: number; title: string; owner: string | null; dueOn: Date | null; createdBy: string; doneAt: Date | null; doneBy: string | null };

/** Timed work waiting for the scheduler (an update reminder, the triage reminder). */
export type PendingJob = { id: string; kind: string; dueAt: Date; data: Record<string, unknown>; leaseOwner: string | null };

/** A runbook checklist attached to the incident. */
export type AttachedChecklist = { checklistId: string };

/** Where a view (the header, a checklist) was posted: one ref per message part, and its render stamp. */
export type PostedView = { roomId: string; refs: { ref: string; digest: string }[]; stamp: number };

/** What a posted view shows: `header`, or `checklist:<id>`. */
export const HEADER = 'header';
export const checklistShows = (checklistId: string) => `checklist:${checklistId}`;

export type RoleHolder = { role: Role; userId: string; assignedBy: string; assignedAt: Date };

/**
 * An incident with the current holder of each held role, its attached checklists and the state of
 * every step someone has acted on (a step missing from `items` is open).
 */
export type IncidentState = {
  incident: Incident;
  holders: RoleHolder[];
  checklists: AttachedChecklist[];
  items: Record<string, ItemState>;
  jobs: PendingJob[];
  postmortem: PostmortemFields | null;
  followups: Followup[];
  actions: ActionRequest[];
  /** Posted views by what they show. */
  posted: Record<string, PostedView>;
};

export const pendingJob = (s: IncidentState, kind: string): PendingJob | undefined => s.jobs.find((j) => j.kind === kind);

export function holderOf(state: IncidentState, role: Role): string | undefined {
  return state.holders.find((h) => h.role === role)?.userId;
}
