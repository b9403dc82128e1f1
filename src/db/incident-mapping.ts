// Prisma rows to core types. Nothing outside db/ sees a Prisma row.
import type { ActionRequest, Followup, Incident, IncidentState, PostmortemFields, RoleHolder } from '../core/incidents/model.js';
import type { ItemState } from '../core/checklists/state.js';
import type { Change, TimelineEvent } from '../core/ports.js';
import type { Prisma } from '../../prisma/generated/client.js';

type IncidentRow = Prisma.IncidentGetPayload<object>;
type RoleRow = Prisma.RoleAssignmentGetPayload<object>;
type EventRow = Prisma.TimelineEventGetPayload<object>;
type ItemRow = Prisma.ChecklistItemGetPayload<object>;

export function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    number: r.number,
    title: r.title,
    severity: r.severity,
    status: r.status,
    areas: r.areas,
    tenants: r.tenants,
    channels: r.channels,
    environments: r.environments,
    integrityUncertain: r.integrityUncertain,
    roomId: r.roomId,
    roomName: r.roomName,
    originRoomId: r.originRoomId,
    declaredBy: r.declaredBy,
    declaredAt: r.declaredAt,
    lastUpdateAt: r.lastUpdateAt,
    updatesMissed: r.updatesMissed,
    orgoCaseUrl: r.orgoCaseUrl,
    resolvedAt: r.resolvedAt,
    seq: r.timelineSeq,
    ...(r.drill ? { drill: true } : {}),
  };
}

export const toHolder = (r: RoleRow): RoleHolder => ({
  role: r.role,
  userId: r.userId,
  assignedBy: r.assignedBy,
  assignedAt: r.assignedAt,
});

export const toEvent = (r: EventRow): TimelineEvent => ({
  id: r.id,
  incidentId: r.incidentId,
  seq: r.seq,
  type: r.type,
  actor: r.actor,
  data: r.data,
  occurredAt: r.occurredAt,
  prevHash: r.prevHash,
  hash: r.hash,
});

/** Posted views by what they show, from their rows (parts in order). */
export function toPosted(rows: Prisma.RoomMessageGetPayload<object>[]): IncidentState['posted'] {
  const posted: IncidentState['posted'] = {};
  for (const r of [...rows].sort((a, b) => a.part - b.part)) {
    const view = (posted[r.shows] ??= { roomId: r.roomId, refs: [], stamp: r.stamp });
    view.refs.push({ ref: r.ref, digest: r.digest });
    view.stamp = Math.max(view.stamp, r.stamp);
  }
  return posted;
}

/** The state after a change, computed rather than read back: the change was written under the lock. */
export function applyChange(
  before: IncidentState,
  c: Pick<Change<unknown>, 'patch' | 'grants' | 'attach' | 'items' | 'cancel' | 'schedule' | 'postmortem' | 'followup' | 'action'>,
  at: Date,
): IncidentState {
  let holders = before.holders;
  for (const g of c.grants ?? []) {
    holders = [...holders.filter((h) => h.role !== g.role), { role: g.role, userId: g.userId, assignedBy: g.by, assignedAt: at }];
  }
  const known = new Set(before.checklists.map((a) => a.checklistId));
  const attached = (c.attach ?? []).filter((a) => !known.has(a.checklistId)).map((a) => ({ checklistId: a.checklistId }));
  const items = { ...before.items };
  for (const i of c.items ?? []) {
    if (i.state.status === 'open') delete items[i.itemId];
    else items[i.itemId] = i.state;
  }
  // New jobs get their ids from the database; a computed state only needs their kind and time.
  const jobs = before.jobs
    .filter((j) => !(c.cancel ?? []).includes(j.kind))
    .concat((c.schedule ?? []).map((j) => ({ id: '', kind: j.kind, dueAt: j.dueAt, data: j.data ?? {}, leaseOwner: null })));
  const { by: _by, ...postmortem } = c.postmortem ?? { by: '' };
  const f = c.followup;
  const followups =
    f && 'add' in f
      ? [...before.followups, { ...f.add, doneAt: null, doneBy: null }]
      : before.followups.map((x) => (f && 'done' in f && x.seq === f.done.seq ? { ...x, doneAt: at, doneBy: f.done.by } : x));
  return {
    incident: { ...before.incident, ...c.patch },
    holders,
    checklists: [...before.checklists, ...attached],
    items,
    jobs,
    postmortem: c.postmortem ? (postmortem as PostmortemFields) : before.postmortem,
    followups,
    actions: applyAction(before.actions, c.action),
    posted: before.posted,
  };
}

export function toItemState(r: ItemRow): ItemState {
  switch (r.status) {
    case 'done':
      return { status: 'done', by: r.actor, at: r.at };
    case 'skipped':
      return { status: 'skipped', by: r.actor, at: r.at, reason: r.reason ?? '' };
    case 'na':
      return { status: 'na', by: r.actor, at: r.at, ...(r.reason ? { reason: r.reason } : {}) };
    default:
      return { status: 'open' };
  }
}

export const toFollowup = (r: Prisma.FollowupGetPayload<object>): Followup => ({
  seq: r.seq,
  title: r.title,
  owner: r.owner,
  dueOn: r.dueOn,
  createdBy: r.createdBy,
  doneAt: r.doneAt,
  doneBy: r.doneBy,
});

export const toPostmortem = (r: Prisma.PostmortemGetPayload<object>): PostmortemFields => ({
  rootCauseTechnical: r.rootCauseTechnical,
  rootCauseProcess: r.rootCauseProcess,
  whatWorked: r.whatWorked,
  whatDidNot: r.whatDidNot,
  rootCauseVerified: r.rootCauseVerified,
});

function applyAction(list: ActionRequest[], a: Change<unknown>['action']): ActionRequest[] {
  if (!a) return list;
  if ('insert' in a) return [...list, a.insert];
  const set = Object.fromEntries(Object.entries(a.update.set).filter(([, v]) => v !== undefined && v !== null));
  return list.map((r) => (r.id === a.update.id ? { ...r, ...set } : r));
}

export const toActionRequest = (r: Prisma.ActionRequestGetPayload<object>): ActionRequest => ({
  id: r.id,
  seq: r.seq,
  actionId: r.actionId,
  params: r.params as Record<string, string | string[]>,
  status: r.status,
  requestedBy: r.requestedBy,
  requestedAt: r.requestedAt,
  overrideReason: r.overrideReason,
  approvedBy: r.approvedBy,
  approvedAt: r.approvedAt,
  outcomeDetail: r.outcomeDetail,
  outcomeAt: r.outcomeAt,
  liftedBy: r.liftedBy,
  liftedAt: r.liftedAt,
  liftStatus: r.liftStatus,
  liftRequestedBy: r.liftRequestedBy,
  liftRequestedAt: r.liftRequestedAt,
  liftApprovedBy: r.liftApprovedBy,
  liftDetail: r.liftDetail,
});
