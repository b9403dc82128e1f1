// The chat port over Teams: every message goes out proactively, through the conversation reference
// stored for the room (continueConversationAsync), so its serviceUrl is the stored one and never
// one read from a later activity. Rooms are Graph channels where Graph is configured, else threads.
import { createHash } from 'node:crypto';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import { ChatError, type ChatPort, type ChatView, type MessageRef } from '../../app/chat-port.js';
import type { Workspace } from '../../core/incidents/model.js';
import { join, t, user } from '../../core/views/rich-text.js';
import type { Logger } from '../../log.js';
import { incidentChannelName } from '../slack/channel-name.js';
import { CARD_TYPE, type Card, type Render } from './cards/card.js';
import { renderView } from './cards/index.js';
import { textCard } from './cards/misc.js';
import type { TeamsAdapter } from './endpoint.js';
import type { FileLinks } from './file-links.js';
import type { Graph } from './graph.js';
import { channelOf } from './activity.js';
import type { Reference, StoredConversation, TeamsStore } from './store.js';

/** Teams channel names: at most 50 characters. */
const CHANNEL_NAME_MAX = 50;
const NAME_ATTEMPTS = 5;

export type TeamsChatDeps = {
  adapter: TeamsAdapter;
  appId: string;
  store: TeamsStore;
  graph?: Graph;
  files?: FileLinks;
  render: Render;
  log: Logger;
};

/** Where a person's 1:1 chat with the bot is remembered, once they have written to it. */
export const personalKey = (userId: string) => `personal:${userId}`;

export const cardActivity = (c: Card): Partial<Activity> => ({
  type: 'message',
  attachments: [{ contentType: CARD_TYPE, content: c }],
});

const digestOf = (c: Card) => createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 16);

/** A connector or Graph failure as a ChatError carrying the platform's code. */
function chatError(e: unknown): ChatError {
  if (e instanceof ChatError) return e;
  const err = e as { statusCode?: number; code?: string; body?: { error?: { code?: string } }; message?: string };
  const code = err.body?.error?.code ?? (err.statusCode ? `http_${err.statusCode}` : (err.code ?? 'teams_error'));
  return new ChatError(code, err.message ?? code);
}

/** Cards remembered by message id, so a click can be answered with its card as it now is. */
const RECENT_CARDS = 2_000;

export class TeamsChat implements ChatPort {
  readonly platform = 'teams' as const;
  private readonly recent = new Map<string, Card>();

  constructor(private readonly deps: TeamsChatDeps) {}

  /** The card this process last sent or updated as message `ref`, if it still remembers it. */
  latestCard(ref: string): Card | undefined {
    return this.recent.get(ref);
  }

  private remember(ref: string, c: Card) {
    this.recent.delete(ref);
    this.recent.set(ref, c);
    if (this.recent.size > RECENT_CARDS) this.recent.delete(this.recent.keys().next().value!);
  }

  private async stored(ws: Workspace, roomId: string): Promise<StoredConversation> {
    const c = await this.deps.store.conversation(ws, roomId);
    if (!c) throw new ChatError('conversation_unknown', `The bot has no conversation reference for ${roomId}; it must be added to that team or chat first.`);
    return c;
  }

  /** Runs `work` in a turn for the room's stored conversation. */
  private async inRoom<T>(ws: Workspace, roomId: string, work: (ctx: TurnContext) => Promise<T>): Promise<T> {
    const { reference } = await this.stored(ws, roomId);
    let out: T | undefined;
    try {
      await this.deps.adapter.continueConversationAsync(this.deps.appId, reference as Partial<ConversationReference>, async (ctx) => {
        // botbuilder would make each send a reply to the continuation's made-up id; the room's
        // conversation id (a channel, or `<channel>;messageid=<root>` for a thread) says where it goes.
        ctx.onSendActivities(async (_ctx, activities, next) => {
          for (const a of activities) delete a.replyToId;
          return next();
        });
        out = await work(ctx);
      });
    } catch (e) {
      throw chatError(e);
    }
    return out as T;
  }

  private async send(ctx: TurnContext, c: Card): Promise<string> {
    const res = await ctx.sendActivity(cardActivity(c));
    if (!res?.id) throw new ChatError('no_activity_id', 'Teams accepted the message without an id.');
    this.remember(res.id, c);
    return res.id;
  }

  async openRoom(ws: Workspace, spec: { number: number; title: string; private: boolean; originRoomId: string | null }): Promise<{ id: string; name: string }> {
    if (!spec.originRoomId) throw new ChatError('no_origin', 'Declare from a team channel or a chat the bot is in.');
    const origin = await this.stored(ws, spec.originRoomId);
    const tenantId = ws.externalId;
    if (this.deps.graph && origin.teamId) return this.openChannel(ws, origin, spec, tenantId);
    // No Graph, or a chat outside any team: the incident lives in a thread (a channel) or in the chat.
    const channel = channelOf(origin.reference.conversation.id);
    const name = `Incident #${spec.number}`;
    if (!origin.teamId) return { id: origin.roomId, name };
    const rootId = await this.inRoom(ws, origin.roomId, (ctx) => this.send(ctx, textCard(t`🚨 Incident #${spec.number}: ${spec.title}. This thread is the incident's room.`, this.deps.render)));
    const roomId = `${channel};messageid=${rootId}`;
    await this.deps.store.remember(ws, roomId, origin.teamId, { ...origin.reference, conversation: { ...origin.reference.conversation, id: roomId } });
    return { id: roomId, name };
  }

  private async openChannel(ws: Workspace, origin: StoredConversation, spec: { number: number; title: string }, tenantId: string) {
    const graph = this.deps.graph!;
    const teamId = origin.teamId!;
    for (let attempt = 1; ; attempt++) {
      const suffix = attempt > 1 ? `-${attempt}` : '';
      const name = `${incidentChannelName(spec.number, spec.title).slice(0, CHANNEL_NAME_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
      try {
        const created = await graph.createChannel(tenantId, teamId, { displayName: name, description: `Incident #${spec.number}: ${spec.title}`.slice(0, 1024) });
        const reference: Reference = { ...origin.reference, conversation: { ...origin.reference.conversation, id: created.id } };
        await this.deps.store.remember(ws, created.id, teamId, reference);
        return { id: created.id, name };
      } catch (e) {
        if (!(e instanceof ChatError && e.code === 'NameAlreadyExists') || attempt >= NAME_ATTEMPTS) throw e;
      }
    }
  }

  /** Threads and standard channels are open to the whole team: invited people are called in by mention. */
  async invite(ws: Workspace, roomId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const c = textCard(t`Called into this incident: ${join(userIds.map(user), ', ')}.`, this.deps.render);
    await this.inRoom(ws, roomId, (ctx) => this.send(ctx, c));
  }

  async post(ws: Workspace, roomId: string, view: ChatView): Promise<MessageRef[]> {
    const cards = renderView(view, this.deps.render);
    return this.inRoom(ws, roomId, async (ctx) => {
      const refs: MessageRef[] = [];
      for (const c of cards) refs.push({ ref: await this.send(ctx, c), digest: digestOf(c) });
      return refs;
    });
  }

  async update(ws: Workspace, roomId: string, refs: MessageRef[], view: ChatView): Promise<MessageRef[]> {
    const cards = renderView(view, this.deps.render);
    return this.inRoom(ws, roomId, async (ctx) => {
      const out: MessageRef[] = [];
      for (const [i, c] of cards.entries()) {
        const digest = digestOf(c);
        const old = refs[i];
        if (old && old.digest === digest) out.push(old);
        else if (old) {
          await ctx.updateActivity({ ...cardActivity(c), id: old.ref });
          this.remember(old.ref, c);
          out.push({ ref: old.ref, digest });
        } else out.push({ ref: await this.send(ctx, c), digest });
      }
      // A view that now takes fewer messages: the extra ones go.
      for (const old of refs.slice(cards.length)) await ctx.deleteActivity(old.ref);
      return out;
    });
  }

  /** Teams has no ephemeral messages: a private word is a 1:1 chat with the person. */
  async tell(ws: Workspace, to: { userId: string; roomId: string | null }, view: ChatView): Promise<void> {
    await this.tellCards(ws, to, renderView(view, this.deps.render));
  }

  /** Cards to one person: in their 1:1 chat with the bot, opened from a stored room the first time. */
  async tellCards(ws: Workspace, to: { userId: string; roomId: string | null }, cards: Card[]): Promise<void> {
    const key = personalKey(to.userId);
    if (!(await this.deps.store.conversation(ws, key))) await this.openPersonal(ws, to);
    await this.inRoom(ws, key, async (ctx) => {
      for (const c of cards) await this.send(ctx, c);
    });
  }

  private async openPersonal(ws: Workspace, to: { userId: string; roomId: string | null }) {
    const via = to.roomId ? await this.stored(ws, to.roomId) : await this.deps.store.latest(ws);
    if (!via) throw new ChatError('no_conversation', 'The bot has not talked with this person yet and knows no room to reach them from.');
    const params = {
      isGroup: false,
      bot: { id: this.deps.appId, name: 'Incident' },
      members: [{ id: to.userId, name: this.deps.render.names(to.userId) }],
      tenantId: ws.externalId,
      channelData: { tenant: { id: ws.externalId } },
    };
    const { serviceUrl } = via.reference;
    try {
      await this.deps.adapter.createConversationAsync(this.deps.appId, 'msteams', serviceUrl, AuthenticationConstants.ToChannelFromBotOAuthScope, params as never, async (ctx) => {
        // Kept, so later private words go straight to the chat; the serviceUrl is the stored room's.
        const { activityId: _first, ...reference } = TurnContext.getConversationReference(ctx.activity);
        await this.deps.store.remember(ws, personalKey(to.userId), null, { ...(reference as unknown as Reference), serviceUrl });
      });
    } catch (e) {
      throw chatError(e);
    }
  }

  async setTopic(ws: Workspace, roomId: string, topic: string): Promise<void> {
    const room = await this.stored(ws, roomId);
    // A thread has no topic of its own; its first message names the incident.
    if (!this.deps.graph || !room.teamId || roomId.includes(';messageid=')) return;
    await this.deps.graph.describeChannel(ws.externalId, room.teamId, roomId, topic.slice(0, 1024));
  }

  /** Bots cannot pin channel messages in Teams; the header stays the room's first card instead. */
  async pin(): Promise<void> {}

  async unpin(): Promise<void> {}

  async attachFile(ws: Workspace, roomId: string, file: { name: string; title: string; content: string }): Promise<void> {
    const room = await this.stored(ws, roomId);
    let url: string;
    if (this.deps.graph && room.teamId) {
      // A thread's files are its channel's.
      url = (await this.deps.graph.upload(ws.externalId, room.teamId, channelOf(roomId), file)).webUrl;
    } else if (this.deps.files) {
      url = await this.deps.files.link(ws.id, await this.deps.store.saveFile(ws, file));
    } else {
      throw new ChatError('files_unconfigured', 'Set MICROSOFT_GRAPH_URL (upload to the channel) or TEAMS_PUBLIC_URL and TEAMS_LINK_SECRET (signed links) to share files in Teams.');
    }
    await this.inRoom(ws, roomId, (ctx) => this.send(ctx, textCard(t`📎 ${{ link: url, label: file.title }}`, this.deps.render)));
  }
}
