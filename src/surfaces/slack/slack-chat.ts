// The chat port over Slack's Web API. One bot token serves every workspace it is installed in, so
// the workspace only scopes what the application layer stored; the channel ids carry the rest.
import { createHash } from 'node:crypto';
import { ChatError, type ChatPort, type ChatView, type MessageRef } from '../../app/chat-port.js';
import type { Workspace } from '../../core/incidents/model.js';
import { incidentChannelName } from './channel-name.js';
import type { WebClient } from './context.js';
import { render, type SlackMessage } from './render.js';
import { slackErrorCode } from './slack-error.js';
import { findPosted, markedPost, outcomeUnknown } from './marked-post.js';
import { findOwnChannel } from './own-channel.js';
import { afterRateLimits } from './rate-limit.js';
import { slackFetch } from './web-fetch.js';
import { webApi } from '@slack/bolt';

const NAME_ATTEMPTS = 10;

const digest = (m: SlackMessage) => createHash('sha256').update(JSON.stringify(m)).digest('base64url').slice(0, 22);

/** A Web API failure as the port's error, carrying Slack's code (`not_in_channel`, `name_taken`). */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const code = slackErrorCode(e);
    throw code ? new ChatError(code) : e;
  }
}

/** Calls that must not be repeated blindly are made by a client that never retries on its own, and
 * hands rate limits back at once (rate-limit.ts waits them out per call). */
const ONCE = { retries: 0 };
/** A hanging call gives up after this; the call's owner decides what a retry may do. */
export const CALL_TIMEOUT_MS = 5_000;
const UNKNOWN_OUTCOME_RETRIES = 3;

/** `posts`: the client for calls that must not be retried blindly (by default one with no retries of its own). */
export function slackChat(client: WebClient, opts: { timeoutMs?: number; posts?: WebClient } = {}): ChatPort {
  const once = opts.posts ?? new webApi.WebClient(client.token, { slackApiUrl: client.slackApiUrl, retryConfig: ONCE, rejectRateLimitedCalls: true, timeout: opts.timeoutMs ?? CALL_TIMEOUT_MS, fetch: slackFetch() });
  let botUser: Promise<string> | undefined;
  const botUserId = () => (botUser ??= client.auth.test().then((me) => me.user_id!, (e) => { botUser = undefined; throw e; }));

  /** Creates the channel, or finds the one an unanswered or refused create already made. */
  async function create(name: string, isPrivate: boolean): Promise<{ id: string; name: string } | 'taken'> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await afterRateLimits(() => once.conversations.create({ name, is_private: isPrivate }));
        return { id: res.channel!.id!, name: res.channel!.name ?? name };
      } catch (e) {
        const code = slackErrorCode(e);
        if (code !== 'name_taken' && !outcomeUnknown(e)) throw new ChatError(code ?? (e instanceof Error ? e.message : String(e)));
        const mine = await call(async () => findOwnChannel(client, name, await botUserId()));
        if (mine) return mine;
        if (code === 'name_taken') return 'taken';
        if (attempt >= UNKNOWN_OUTCOME_RETRIES) throw new ChatError('create_unconfirmed', `conversations.create gave no answer for ${name}`);
      }
    }
  }

  return {
    platform: 'slack',

    async openRoom(_ws: Workspace, spec) {
      for (let attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
        const made = await create(incidentChannelName(spec.number, spec.title, attempt), spec.private);
        if (made !== 'taken') return made;
      }
      throw new ChatError('name_taken', `every name from ${incidentChannelName(spec.number, spec.title)} to -${NAME_ATTEMPTS} is taken`);
    },

    async invite(_ws, roomId, userIds) {
      try {
        await client.conversations.invite({ channel: roomId, users: userIds.join(','), force: true });
      } catch (e) {
        if (slackErrorCode(e) !== 'already_in_channel') throw new ChatError(slackErrorCode(e) ?? String(e));
      }
    },

    async post(_ws, roomId, view, key, firstTry) {
      // A keyed post may have been made by an attempt whose answer was lost (or by a process that died).
      const earlier = key && !firstTry
        ? await findPosted(client, roomId, key).catch((e: unknown) => {
            throw new ChatError(slackErrorCode(e) ?? 'post_unconfirmed', 'the channel could not be searched for an earlier copy of this post');
          })
        : new Map<number, string>();
      const refs: MessageRef[] = [];
      for (const [part, message] of render(view).entries()) {
        const found = earlier.get(part);
        if (!found) {
          refs.push({ ref: await markedPost(once, client, roomId, message, key, part), digest: digest(message) });
          continue;
        }
        // The earlier copy shows what was true when it was posted: brought up to date, or left for the next repaint.
        const shown = await call(() => client.chat.update({ channel: roomId, ts: found, ...message })).then(() => digest(message), () => '');
        refs.push({ ref: found, digest: shown });
      }
      return refs;
    },

    async update(_ws, roomId, refs, view: ChatView) {
      const messages = view.kind === 'retired' ? refs.map(() => render(view)[0]!) : render(view);
      const out: MessageRef[] = [];
      for (const [i, ref] of refs.entries()) {
        const message = messages[i];
        if (!message) continue;
        const d = digest(message);
        // Only a message that shows something new is sent again.
        if (d !== ref.digest) await call(() => client.chat.update({ channel: roomId, ts: ref.ref, ...message }));
        out.push({ ref: ref.ref, digest: d });
      }
      return out;
    },

    async tell(_ws, to, view) {
      const message = render(view)[0]!;
      if (to.roomId) await call(() => client.chat.postEphemeral({ channel: to.roomId!, user: to.userId, ...message }));
      else await call(() => client.chat.postMessage({ channel: to.userId, ...message }));
    },

    async setTopic(_ws, roomId, topic) {
      await call(() => client.conversations.setTopic({ channel: roomId, topic }));
    },

    async pin(_ws, roomId, ref) {
      await call(() => client.pins.add({ channel: roomId, timestamp: ref }));
    },

    async unpin(_ws, roomId, ref) {
      await call(() => client.pins.remove({ channel: roomId, timestamp: ref }));
    },

    async attachFile(_ws, roomId, file) {
      await call(() => client.filesUploadV2({ channel_id: roomId, content: file.content, filename: file.name, title: file.title }));
    },
  };
}
