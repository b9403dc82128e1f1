// What the Teams surface keeps in PostgreSQL (implemented in src/db): the conversation reference of
// each room the bot talks into, and files it serves through signed links.
import type { Workspace } from '../../core/incidents/model.js';

/** botbuilder's ConversationReference, as JSON. */
export type Reference = Record<string, unknown> & { serviceUrl: string; conversation: { id: string; tenantId?: string } };

export type StoredConversation = { roomId: string; teamId: string | null; reference: Reference };

export interface TeamsStore {
  /**
   * Keeps the reference of a room the first time it is seen; a later one never replaces it, so a
   * body under someone else's token cannot redirect where a room's messages go.
   */
  remember(ws: Workspace, roomId: string, teamId: string | null, reference: Reference): Promise<StoredConversation>;
  conversation(ws: Workspace, roomId: string): Promise<StoredConversation | null>;
  /** The conversation the bot last learned of in the workspace: a serviceUrl to open a 1:1 chat from. */
  latest(ws: Workspace): Promise<StoredConversation | null>;
  saveFile(ws: Workspace, file: { name: string; content: string }): Promise<string>;
  file(workspaceId: string, fileId: string): Promise<{ name: string; content: string } | null>;
}
