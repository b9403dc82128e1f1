// The Teams surface's storage over Prisma: conversation references per room, and served files.
import type { Workspace } from '../core/incidents/model.js';
import type { Reference, StoredConversation, TeamsStore } from '../surfaces/teams/store.js';
import type { Db } from './client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const stored = (row: { roomId: string; teamId: string | null; reference: unknown }): StoredConversation => ({
  roomId: row.roomId,
  teamId: row.teamId,
  reference: row.reference as Reference,
});

export class PrismaTeamsStore implements TeamsStore {
  constructor(private readonly db: Db) {}

  async remember(ws: Workspace, roomId: string, teamId: string | null, reference: Reference): Promise<StoredConversation> {
    // ON CONFLICT DO NOTHING keeps the first reference, whichever process wrote it.
    await this.db.$executeRaw`
      INSERT INTO teams_conversations (workspace_id, room_id, team_id, reference)
      VALUES (${ws.id}::uuid, ${roomId}, ${teamId}, ${JSON.stringify(reference)}::jsonb)
      ON CONFLICT (workspace_id, room_id) DO NOTHING`;
    return (await this.conversation(ws, roomId))!;
  }

  async conversation(ws: Workspace, roomId: string): Promise<StoredConversation | null> {
    const row = await this.db.teamsConversation.findUnique({ where: { workspaceId_roomId: { workspaceId: ws.id, roomId } } });
    return row ? stored(row) : null;
  }

  async latest(ws: Workspace): Promise<StoredConversation | null> {
    const row = await this.db.teamsConversation.findFirst({ where: { workspaceId: ws.id }, orderBy: { createdAt: 'desc' } });
    return row ? stored(row) : null;
  }

  async saveFile(ws: Workspace, file: { name: string; content: string }): Promise<string> {
    const row = await this.db.teamsFile.create({ data: { workspaceId: ws.id, name: file.name, content: file.content }, select: { id: true } });
    return row.id;
  }

  async file(workspaceId: string, fileId: string): Promise<{ name: string; content: string } | null> {
    if (!UUID.test(workspaceId) || !UUID.test(fileId)) return null;
    return this.db.teamsFile.findFirst({ where: { id: fileId, workspaceId }, select: { name: true, content: true } });
  }
}
