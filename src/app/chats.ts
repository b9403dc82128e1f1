// The chat port (and people directory) of each configured surface; a workspace's platform picks the
// one that talks to it.
import type { Platform, Workspace } from '../core/incidents/model.js';
import type { PeopleDirectory } from '../core/ports.js';
import type { ChatPort } from './chat-port.js';

export type Chats = Partial<Record<Platform, ChatPort>>;

export function chatOf(chats: Chats, ws: Workspace): ChatPort {
  const chat = chats[ws.platform];
  if (!chat) throw new Error(`no ${ws.platform} surface is configured for workspace ${ws.id}`);
  return chat;
}

/** One directory over each surface's own; a platform without one names people by id. */
export function peopleDirectory(bySurface: Partial<Record<Platform, PeopleDirectory>>): PeopleDirectory {
  return { displayNames: async (ws, ids) => (await bySurface[ws.platform]?.displayNames(ws, ids)) ?? new Map() };
}
