// The chat port of the local console: rooms and messages live in the database (a restart shows the
// same rooms), each message stored as the HTML its view renders to, and every change is pushed to the
// pages that are open. `tell` is a message in the room that only its one person sees.
import { createHash } from 'node:crypto';
import { ChatError, type ChatPort, type ChatView, type MessageRef } from '../../app/chat-port.js';
import type { Platform, Workspace } from '../../core/incidents/model.js';
import type { ConsoleRepository } from '../../db/console-repository.js';
import type { LiveHub } from './live.js';
import { personName } from './people.js';
import { html } from './render/html.js';
import { viewHtml } from './render/messages.js';
import type { Names } from './render/rich.js';

export const GENERAL_ROOM = { id: 'general', name: 'general' };

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** `inc-7-signing-key-exposed`: the number keeps it unique, the words make it readable. */
export function roomName(number: number, title: string): string {
  const words = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return words ? `inc-${number}-${words}` : `inc-${number}`;
}

export class ConsoleChat implements ChatPort {
  readonly platform: Platform = 'console';

  constructor(
    private readonly repo: ConsoleRepository,
    private readonly live: LiveHub,
  ) {}

  /** How people and rooms are named in rendered text, as the workspace stands now. */
  async names(ws: Workspace): Promise<Names> {
    const rooms = new Map((await this.repo.rooms(ws)).map((r) => [r.id, r.name]));
    return { person: personName, room: (id) => rooms.get(id) ?? id };
  }

  async render(ws: Workspace, view: ChatView): Promise<string> {
    return viewHtml(view, await this.names(ws)).value;
  }

  private async requireRoom(ws: Workspace, roomId: string) {
    const room = await this.repo.room(ws, roomId);
    if (!room) throw new ChatError('room_not_found', `There is no console room ${roomId}.`);
    return room;
  }

  async openRoom(ws: Workspace, spec: { number: number; title: string; private: boolean; originRoomId: string | null }) {
    // Keyed by the incident number, so opening again after a lost answer finds the same room.
    const room = await this.repo.ensureRoom(ws, { id: `inc-${spec.number}`, name: roomName(spec.number, spec.title) });
    this.live.publish({ type: 'room', roomId: room.id, name: room.name, topic: room.topic });
    return { id: room.id, name: room.name };
  }

  async invite(ws: Workspace, roomId: string, userIds: string[]): Promise<void> {
    await this.requireRoom(ws, roomId);
    await this.repo.addMembers(ws, roomId, userIds);
  }

  async post(ws: Workspace, roomId: string, view: ChatView, key?: string): Promise<MessageRef[]> {
    await this.requireRoom(ws, roomId);
    const body = await this.render(ws, view);
    const { message, created } = await this.repo.addMessage(ws, { roomId, toUser: null, kind: view.kind, html: body, ...(key ? { key } : {}) });
    if (created) this.live.publish({ type: 'message', roomId, id: message.id, kind: message.kind, html: message.html, private: false });
    return [{ ref: message.id, digest: digest(message.html) }];
  }

  async update(ws: Workspace, roomId: string, refs: MessageRef[], view: ChatView): Promise<MessageRef[]> {
    const [first] = refs;
    if (!first) return this.post(ws, roomId, view);
    const body = await this.render(ws, view);
    const now = digest(body);
    if (now === first.digest) return [first];
    const message = await this.repo.updateMessage(ws, roomId, first.ref, body);
    if (!message) throw new ChatError('message_not_found', `Message ${first.ref} is not in console room ${roomId}.`);
    this.live.publish({ type: 'updated', roomId, id: message.id, html: message.html });
    return [{ ref: message.id, digest: now }];
  }

  /** Without a room, the private message goes to "general", where every person starts. */
  async tell(ws: Workspace, to: { userId: string; roomId: string | null }, view: ChatView): Promise<void> {
    const roomId = to.roomId && (await this.repo.room(ws, to.roomId)) ? to.roomId : GENERAL_ROOM.id;
    const body = await this.render(ws, view);
    const { message } = await this.repo.addMessage(ws, { roomId, toUser: to.userId, kind: view.kind, html: body });
    this.live.publish({ type: 'message', roomId, id: message.id, kind: message.kind, html: message.html, private: true }, to.userId);
  }

  async setTopic(ws: Workspace, roomId: string, topic: string): Promise<void> {
    const room = await this.requireRoom(ws, roomId);
    await this.repo.setTopic(ws, roomId, topic);
    this.live.publish({ type: 'room', roomId, name: room.name, topic });
  }

  pin(ws: Workspace, roomId: string, ref: string): Promise<void> {
    return this.setPinned(ws, roomId, ref, true);
  }

  unpin(ws: Workspace, roomId: string, ref: string): Promise<void> {
    return this.setPinned(ws, roomId, ref, false);
  }

  private async setPinned(ws: Workspace, roomId: string, ref: string, pinned: boolean) {
    await this.requireRoom(ws, roomId);
    await this.repo.setPinned(ws, roomId, ref, pinned);
    const room = await this.requireRoom(ws, roomId);
    this.live.publish({ type: 'pins', roomId, pinned: room.pinned });
  }

  /** The file is stored; its message in the room links to the download. */
  async attachFile(ws: Workspace, roomId: string, file: { name: string; title: string; content: string }): Promise<void> {
    await this.requireRoom(ws, roomId);
    const stored = await this.repo.addFile(ws, roomId, file);
    const body = html`<section class="card file">📄 <a href="/console/files/${stored.id}" download="${file.name}">${file.title}</a> <span class="muted">${file.name}</span></section>`.value;
    const { message } = await this.repo.addMessage(ws, { roomId, toUser: null, kind: 'file', html: body });
    this.live.publish({ type: 'message', roomId, id: message.id, kind: message.kind, html: message.html, private: false });
  }
}
