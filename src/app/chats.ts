// The chat port of each configured surface; a workspace's platform picks the one that talks to it.
import type { Platform, Workspace } from '../core/incidents/model.js';
import type { ChatPort } from './chat-port.js';

export type Chats = Partial<Record<Platform, ChatPort>>;

export function chatOf(chats: Chats, ws: Workspace): ChatPort {
  const chat = chats[ws.platform];
  if (!chat) throw new Error(`no ${ws.platform} surface is configured for workspace ${ws.id}`);
  return chat;
}
