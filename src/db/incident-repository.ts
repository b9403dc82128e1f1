// IncidentRepository over Prisma. Every query names the workspace; every change locks the
// incident row first, so decisions, role grants and the hash chain never race.
import { incidentNotFound } from '../core/errors.js';
import type { IncidentState, Platform, Workspace } from '../core/incidents/model.js';
import type { Change, IncidentRepository, NewEvent, NewIncident, RoleGrant } from '../core/ports.js';
import { GENESIS_HASH, hashEvent } from '../core/timeline/chain.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './client.js';
import { toEvent, toHolder, toIncident } from './incident-mapping.js';

type Tx = Prisma.TransactionClient;

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PrismaIncidentRepository implements IncidentRepository {
  constructor(private readonly db: Db) {}

  /** Workspaces are never deleted or renamed, so a resolved one is kept for the process's life. */
  private readonly workspaces = new Map<string, Workspace>();

  async workspace(platform: Platform, externalId: string): Promise<Workspace> {
    const key = `${platform}:${externalId}`;
    const known = this.workspaces.get(key);
    if (known) return known;
    const where = { platform_externalId: { platform, externalId } };
    const select = { id: true, platform: true, externalId: true } as const;
    let ws = await this.db.workspace.findUnique({ where, select });
    if (!ws) {
      try {
        ws = await this.db.workspace.create({ data: { platform, externalId }, select });
      } catch (e) {
        // A workspace's first requests can arrive together: whoever lost the insert reads the winner's row.
        if (!isUniqueViolation(e)) throw e;
        ws = await this.db.workspace.findUniqueOrThrow({ where, select });
      }
    }
    this.workspaces.set(key, ws);
    return ws;
  }

  async create(ws: Workspace, draft: NewIncident, grants: RoleGrant[], events: NewEvent[]) {
    const existing = await this.findByDeclareKey(ws, draft.declareKey);
    if (existing) return { state: existing, created: false };
    try {
      const state = await this.db.$transaction(async (tx) => {
        // The counter row doubles as the per-workspace lock that keeps numbers gap-free and unique.
        const { nextIncidentNumber } = await tx.workspace.update({
          where: { id: ws.id },
          data: { nextIncidentNumber: { increment: 1 } },
          select: { nextIncidentNumber: true },
        });
        const incident = await tx.incident.create({
          data: { ...draft, workspaceId: ws.id, number: nextIncidentNumber - 1 },
        });
        await this.grant(tx, ws, incident.id, grants, draft.declaredAt);
        await this.append(tx, ws, incident.id, draft.declaredAt, events);
        return this.load(tx, ws, incident.id);
      });
      return { state: state!, created: true };
    } catch (e) {
      // A concurrent twin of this submission committed first: answer with its incident.
      if (isUniqueViolation(e)) {
        const twin = await this.findByDeclareKey(ws, draft.declareKey);
        if (twin) return { state: twin, created: false };
      }
      throw e;
    }
  }

  async change<T>(ws: Workspace, incidentId: string, at: Date, decide: (s: IncidentState) => Change<T>) {
    if (!UUID.test(incidentId)) throw incidentNotFound();
    return this.db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM incidents WHERE id = ${incidentId}::uuid AND workspace_id = ${ws.id}::uuid FOR UPDATE`;
      if (locked.length === 0) throw incidentNotFound();
      const before = (await this.load(tx, ws, incidentId))!;
      const c = decide(before);
      const changed = c.patch !== undefined || (c.grants?.length ?? 0) > 0 || c.events.length > 0;
      if (!changed) return { state: before, result: c.result, changed };
      if (c.patch) await tx.incident.update({ where: { workspaceId_id: { workspaceId: ws.id, id: incidentId } }, data: c.patch });
      await this.grant(tx, ws, incidentId, c.grants ?? [], at);
      await this.append(tx, ws, incidentId, at, c.events);
      return { state: (await this.load(tx, ws, incidentId))!, result: c.result, changed };
    });
  }

  findById(ws: Workspace, incidentId: string) {
    return UUID.test(incidentId) ? this.load(this.db, ws, incidentId) : Promise.resolve(null);
  }

  async findByRoom(ws: Workspace, roomId: string) {
    const row = await this.db.incident.findUnique({ where: { workspaceId_roomId: { workspaceId: ws.id, roomId } }, select: { id: true } });
    return row ? this.load(this.db, ws, row.id) : null;
  }

  async timeline(ws: Workspace, incidentId: string) {
    if (!UUID.test(incidentId)) return [];
    const rows = await this.db.timelineEvent.findMany({ where: { workspaceId: ws.id, incidentId }, orderBy: { seq: 'asc' } });
    return rows.map(toEvent);
  }

  private async findByDeclareKey(ws: Workspace, declareKey: string) {
    const row = await this.db.incident.findUnique({ where: { workspaceId_declareKey: { workspaceId: ws.id, declareKey } }, select: { id: true } });
    return row ? this.load(this.db, ws, row.id) : null;
  }

  private async load(db: Tx | Db, ws: Workspace, incidentId: string): Promise<IncidentState | null> {
    const row = await db.incident.findUnique({
      where: { workspaceId_id: { workspaceId: ws.id, id: incidentId } },
      include: { roles: { where: { endedAt: null }, orderBy: { assignedAt: 'asc' } } },
    });
    return row ? { incident: toIncident(row), holders: row.roles.map(toHolder) } : null;
  }

  private async grant(tx: Tx, ws: Workspace, incidentId: string, grants: RoleGrant[], at: Date) {
    for (const g of grants) {
      await tx.roleAssignment.updateMany({
        where: { workspaceId: ws.id, incidentId, role: g.role, endedAt: null },
        data: { endedAt: at, endedBy: g.by },
      });
      await tx.roleAssignment.create({
        data: { workspaceId: ws.id, incidentId, role: g.role, userId: g.userId, assignedBy: g.by, assignedAt: at },
      });
    }
  }

  /** Appends events after the incident's last one, each hashed onto the one before. */
  private async append(tx: Tx, ws: Workspace, incidentId: string, at: Date, events: NewEvent[]) {
    if (events.length === 0) return;
    const last = await tx.timelineEvent.findFirst({ where: { incidentId }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const rows = events.map((e) => {
      seq += 1;
      const fields = { incidentId, seq, type: e.type, actor: e.actor, data: e.data, occurredAt: at };
      const hash = hashEvent(prevHash, fields);
      const row = { ...fields, workspaceId: ws.id, prevHash, hash, data: e.data as Prisma.InputJsonObject };
      prevHash = hash;
      return row;
    });
    await tx.timelineEvent.createMany({ data: rows });
  }
}
