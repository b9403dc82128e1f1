// Prisma rows to core types. Nothing outside db/ sees a Prisma row.
import type { Incident, IncidentState, RoleHolder } from '../core/incidents/model.js';
import type { IncidentPatch, RoleGrant, TimelineEvent } from '../core/ports.js';
import type { Prisma } from '../generated/prisma/client.js';

type IncidentRow = Prisma.IncidentGetPayload<object>;
type RoleRow = Prisma.RoleAssignmentGetPayload<object>;
type EventRow = Prisma.TimelineEventGetPayload<object>;

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
    headerMessageId: r.headerMessageId,
    originRoomId: r.originRoomId,
    declaredBy: r.declaredBy,
    declaredAt: r.declaredAt,
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

/** The state after a change, computed rather than read back: the change was written under the lock. */
export function applyChange(before: IncidentState, patch: IncidentPatch | undefined, grants: RoleGrant[], at: Date): IncidentState {
  let holders = before.holders;
  for (const g of grants) {
    holders = [...holders.filter((h) => h.role !== g.role), { role: g.role, userId: g.userId, assignedBy: g.by, assignedAt: at }];
  }
  return { incident: { ...before.incident, ...patch }, holders };
}
