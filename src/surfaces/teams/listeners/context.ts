// What every Teams listener receives, and the moves they share: the intent's shape (who, where,
// which delivery), private answers, and the one error frame of the surface.
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Asked, Outcome } from '../../../app/intent.js';
import type { IncidentApp } from '../../../app/app.js';
import type { ChatView } from '../../../app/chat-port.js';
import { refusalText } from '../../../app/core-text.js';
import { isDomainError } from '../../../core/errors.js';
import type { Rich } from '../../../core/views/rich-text.js';
import type { Logger } from '../../../log.js';
import type { Card, Render } from '../cards/card.js';
import { renderView } from '../cards/index.js';
import type { TeamsChat } from '../teams-chat.js';
import type { Turn } from '../turn.js';

export type TeamsListenerDeps = { app: IncidentApp; chat: TeamsChat; render: Render; botId: string; log: Logger };

/** The claims a card or a dialog carries; strings only, as the surface wrote them. */
export type Claims = Record<string, string>;

/**
 * The room an intent is about. In a channel or a group chat it is where the card was clicked; a
 * card answered privately (in the person's 1:1 chat) names its room, as a claim the app checks.
 */
export function roomOf(turn: Turn, claims: Claims): string {
  return turn.origin.kind === 'personal' && claims.room ? claims.room : turn.roomId;
}

/** The delivery identity: the activity id, within its conversation. */
export const keyOf = (a: Activity) => `teams:${a.conversation.id}:${a.id}`;

export const askedOf = (turn: Turn, roomId: string): Asked => ({ ws: turn.ws, actor: turn.origin.user.id, roomId, key: keyOf(turn.ctx.activity) });

/** Every button of a card answered privately names the room it acts on (see roomOf). */
export function inRoom(cards: Card[], roomId: string): Card[] {
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && o.data && typeof o.data === 'object') o.data = { ...(o.data as object), room: roomId };
    Object.values(o).forEach(visit);
  };
  const copy = structuredClone(cards);
  visit(copy);
  return copy;
}

/** What went wrong, for the person who asked: a coded error says how to do it right. */
export function errorView(e: unknown, log: Logger): ChatView {
  // refusalText turns the `@{id}` person tokens of a stored-style message into mentions.
  if (isDomainError(e)) return { kind: 'text', text: e.rich ?? ['⚠️ ', ...refusalText(e)] };
  const ref = randomUUID().slice(0, 8);
  log.error({ err: e, ref }, 'unexpected error in a Teams listener');
  const text: Rich = [`❌ Sorry, something went wrong on our side (ref ${ref}). Nothing was changed by this request; try again, and quote the ref if it repeats.`];
  return { kind: 'text', text };
}

/** Tells the person privately (their 1:1 chat with the bot); a failure to tell is only logged. */
export async function tellPrivately(deps: TeamsListenerDeps, turn: Turn, roomId: string, cards: Card[]) {
  await deps.chat.tellCards(turn.ws, { userId: turn.origin.user.id, roomId: turn.roomId }, inRoom(cards, roomId)).catch((err) => turn.log.warn({ err }, 'could not answer privately'));
}

/** Runs an outcome's room talk; a failure is told to the person who asked. */
export async function talk(deps: TeamsListenerDeps, turn: Turn, roomId: string, outcome: Outcome) {
  try {
    await outcome.after?.();
  } catch (e) {
    await tellPrivately(deps, turn, roomId, renderView(errorView(e, turn.log), deps.render));
  }
}
