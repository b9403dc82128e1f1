// One Teams turn: who and where (the tenant is the workspace), remember the conversation the first
// time it is seen, then hand the activity to its listener: a command in a message, a card button
// (adaptiveCard/action), a dialog opening (task/fetch) or a dialog's submission (task/submit).
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import type { Workspace } from '../../core/incidents/model.js';
import type { Logger } from '../../log.js';
import { channelOf, originOf, type Origin } from './activity.js';
import type { People } from './people.js';
import type { Reference, TeamsStore } from './store.js';
import { personalKey } from './teams-chat.js';

/** What a listener gets: the verified workspace, the sender, the room the activity is about. */
export type Turn = { ctx: TurnContext; ws: Workspace; origin: Origin; roomId: string; log: Logger };

export type Listeners = {
  message(turn: Turn): Promise<void>;
  /** The invoke's response body and status (an invoke always gets one). */
  invoke(turn: Turn): Promise<{ status: number; body?: unknown }>;
};

export type TurnDeps = { store: TeamsStore; people: People; log: Logger; workspace: (tenantId: string) => Promise<Workspace>; listeners: Listeners };

/** A reference for proactive messages to `conversationId`: no activity id, so a send is a new post. */
export function referenceTo(activity: Activity, conversationId: string): Reference {
  const ref = TurnContext.getConversationReference(activity) as Partial<ConversationReference>;
  delete ref.activityId;
  return { ...ref, conversation: { ...ref.conversation!, id: conversationId } } as unknown as Reference;
}

export const tokenTenant = (ctx: TurnContext) => (ctx.turnState.get(ctx.adapter.BotIdentityKey) as ClaimsIdentity | undefined)?.getClaimValue('tid');

export function teamsTurn(deps: TurnDeps) {
  return async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    const origin = originOf(a, tokenTenant(ctx));
    // The endpoint refused these already; a turn that gets here without them does nothing.
    if ('refused' in origin) return;
    const ws = await deps.workspace(origin.tenantId);
    const log = deps.log.child({ workspace: ws.id, user: origin.user.id, activity: a.id, type: a.type });
    deps.people.saw(origin.user.id, origin.user.name);
    const roomId = await rememberAndLocate(deps.store, ws, a, origin, REMEMBERED.has(a.type));
    const turn = { ctx, ws, origin, roomId, log };
    if (a.type === 'message') return deps.listeners.message(turn);
    if (a.type === 'invoke') {
      const res = await deps.listeners.invoke(turn);
      await ctx.sendActivity({ type: 'invokeResponse', value: res });
    }
  };
}

/**
 * Conversations are learned from what people write and from the bot being added; a button or a
 * dialog acts on a card the bot posted, in a conversation it already knows, and writes nothing here.
 */
const REMEMBERED = new Set(['message', 'conversationUpdate', 'installationUpdate']);

/**
 * Keeps the conversation the activity came from (first sight only, when `remember`) and says which
 * room it is about: an incident thread when the thread is a stored room, else the channel, else the chat.
 */
async function rememberAndLocate(store: TeamsStore, ws: Workspace, a: Activity, o: Origin, remember: boolean): Promise<string> {
  const keep = (roomId: string, teamId: string | null, conversationId: string) => (remember ? store.remember(ws, roomId, teamId, referenceTo(a, conversationId)) : Promise.resolve());
  if (o.kind === 'personal') {
    await keep(personalKey(o.user.id), null, o.conversationId);
    await keep(o.conversationId, null, o.conversationId);
    return o.conversationId;
  }
  if (o.kind === 'groupChat') {
    await keep(o.conversationId, null, o.conversationId);
    return o.conversationId;
  }
  const channel = o.channelId ?? channelOf(o.conversationId);
  await keep(channel, o.teamId, channel);
  if (o.conversationId !== channel && (await store.conversation(ws, o.conversationId))) return o.conversationId;
  return channel;
}
