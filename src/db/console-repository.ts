// The local console's rooms, messages and files. Every query is scoped to the console workspace the
// surface resolved; messages are stored rendered, so a restart shows each room as it was.
import { randomUUID } from 'node:crypto';
import type { Workspace } from '../core/incidents/model.js';
import type { Db } from './client.js';
import { isUniqueViolation } from './incident-repository.js';

export type ConsoleRoom = { id: string; name: string; topic: string; members: string[]; pinned: string[]; createdAt: Date };
export type ConsoleMessage = { id: string; roomId: string; seq: number; toUser: string | null; kind: string; html: string; createdAt: Date; updatedAt: Date };
export type ConsoleFile = { id: string; roomId: string; name: string; title: string; content: string };
export type NewMessage = { roomId: string; toUser: string | null; kind: string; html: string; key?: string };

const toMessage = (r: { id: string; roomId: string; seq: bigint; toUser: string | null; kind: string; html: string; createdAt: Date; updatedAt: Date }): ConsoleMessage => ({
  id: r.id,
  roomId: r.roomId,
  seq: Number(r.seq),
  toUser: r.toUser,
  kind: r.kind,
  html: r.html,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const toRoom = (r: ConsoleRoom): ConsoleRoom => ({ id: r.id, name: r.name, topic: r.topic, members: r.members, pinned: r.pinned, createdAt: r.createdAt });

export class ConsoleRepository {
  constructor(private readonly db: Db) {}

  /** Creates the room unless it exists; either way returns it. */
  async ensureRoom(ws: Workspace, room: { id: string; name: string }): Promise<ConsoleRoom> {
    const row = await this.db.consoleRoom.upsert({
      where: { workspaceId_id: { workspaceId: ws.id, id: room.id } },
      create: { workspaceId: ws.id, id: room.id, name: room.name },
      update: {},
    });
    return toRoom(row);
  }

  async room(ws: Workspace, roomId: string): Promise<ConsoleRoom | null> {
    const row = await this.db.consoleRoom.findUnique({ where: { workspaceId_id: { workspaceId: ws.id, id: roomId } } });
    return row ? toRoom(row) : null;
  }

  /** Every room, oldest first. */
  async rooms(ws: Workspace): Promise<ConsoleRoom[]> {
    const rows = await this.db.consoleRoom.findMany({ where: { workspaceId: ws.id }, orderBy: { createdAt: 'asc' } });
    return rows.map(toRoom);
  }

  async setTopic(ws: Workspace, roomId: string, topic: string): Promise<void> {
    await this.db.consoleRoom.update({ where: { workspaceId_id: { workspaceId: ws.id, id: roomId } }, data: { topic } });
  }

  async addMembers(ws: Workspace, roomId: string, userIds: string[]): Promise<void> {
    const room = await this.room(ws, roomId);
    if (!room) return;
    const members = [...new Set([...room.members, ...userIds])];
    await this.db.consoleRoom.update({ where: { workspaceId_id: { workspaceId: ws.id, id: roomId } }, data: { members } });
  }

  /** Pins or unpins a message of the room; pinned messages show at the top, in pin order. */
  async setPinned(ws: Workspace, roomId: string, messageId: string, pinned: boolean): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const room = await tx.consoleRoom.findUnique({ where: { workspaceId_id: { workspaceId: ws.id, id: roomId } } });
      if (!room) return;
      const rest = room.pinned.filter((id) => id !== messageId);
      await tx.consoleRoom.update({ where: { workspaceId_id: { workspaceId: ws.id, id: roomId } }, data: { pinned: pinned ? [...rest, messageId] : rest } });
    });
  }

  /** Adds a message; with a key already used, returns the first message and `created: false`. */
  async addMessage(ws: Workspace, m: NewMessage): Promise<{ message: ConsoleMessage; created: boolean }> {
    const byKey = async () => {
      const found = m.key ? await this.db.consoleMessage.findUnique({ where: { workspaceId_key: { workspaceId: ws.id, key: m.key } } }) : null;
      return found ? { message: toMessage(found), created: false } : null;
    };
    const first = await byKey();
    if (first) return first;
    try {
      const row = await this.db.consoleMessage.create({
        data: { id: randomUUID(), workspaceId: ws.id, roomId: m.roomId, toUser: m.toUser, kind: m.kind, html: m.html, key: m.key ?? null },
      });
      return { message: toMessage(row), created: true };
    } catch (e) {
      // Two posters raced with one key (a set-up and its retry): the one that lost finds the winner's.
      const raced = isUniqueViolation(e) ? await byKey() : null;
      if (raced) return raced;
      throw e;
    }
  }

  /** Replaces a message's content; null when the message is not in this workspace's room. */
  async updateMessage(ws: Workspace, roomId: string, id: string, html: string): Promise<ConsoleMessage | null> {
    const { count } = await this.db.consoleMessage.updateMany({ where: { id, workspaceId: ws.id, roomId }, data: { html, updatedAt: new Date() } });
    if (count === 0) return null;
    const row = await this.db.consoleMessage.findUniqueOrThrow({ where: { id } });
    return toMessage(row);
  }

  /** The room's messages that `viewer` may see (everyone's, and the private ones to them), in order. */
  async messages(ws: Workspace, roomId: string, viewer: string, limit = 500): Promise<ConsoleMessage[]> {
    const rows = await this.db.consoleMessage.findMany({
      where: { workspaceId: ws.id, roomId, OR: [{ toUser: null }, { toUser: viewer }] },
      orderBy: { seq: 'desc' },
      take: limit,
    });
    return rows.reverse().map(toMessage);
  }

  async message(ws: Workspace, id: string): Promise<ConsoleMessage | null> {
    const row = await this.db.consoleMessage.findFirst({ where: { id, workspaceId: ws.id } });
    return row ? toMessage(row) : null;
  }

  async addFile(ws: Workspace, roomId: string, file: { name: string; title: string; content: string }): Promise<ConsoleFile> {
    const row = await this.db.consoleFile.create({ data: { id: randomUUID(), workspaceId: ws.id, roomId, ...file } });
    return { id: row.id, roomId: row.roomId, name: row.name, title: row.title, content: row.content };
  }

  async file(ws: Workspace, id: string): Promise<ConsoleFile | null> {
    const row = await this.db.consoleFile.findFirst({ where: { id, workspaceId: ws.id } });
    return row ? { id: row.id, roomId: row.roomId, name: row.name, title: row.title, content: row.content } : null;
  }
}
