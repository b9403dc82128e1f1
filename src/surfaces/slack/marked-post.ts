// chat.postMessage takes no idempotency key, so a post whose answer is lost (a timeout, a 503
// after Slack did the work) must not simply be sent again. Each post carries the app's post key
// in Slack message metadata; before a keyed post, and before any retry, the channel's recent
// history is searched for it, and a post found there is the post.
import { randomUUID } from 'node:crypto';
import { ChatError } from '../../app/chat-port.js';
import type { WebClient } from './context.js';
import type { SlackMessage } from './render.js';
import { slackErrorCode } from './slack-error.js';
import { afterRateLimits } from './rate-limit.js';

export const POST_EVENT = 'incident_bot_post';
/** How far back a lookup searches: past any retry or crash recovery, short of the next reminder. */
const LOOKBACK_SECONDS = 5 * 60;
const ATTEMPTS = 3;

type Posted = { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } };

/** The ts of each part already posted under `key` in the channel's recent history. */
export async function findPosted(client: WebClient, channel: string, key: string, now = Date.now()): Promise<Map<number, string>> {
  const res = await client.conversations.history({ channel, include_all_metadata: true, limit: 100, oldest: String(Math.floor(now / 1000) - LOOKBACK_SECONDS) });
  const found = new Map<number, string>();
  for (const m of (res.messages ?? []) as Posted[]) {
    const p = m.metadata?.event_type === POST_EVENT ? m.metadata.event_payload : undefined;
    if (p?.key === key && typeof p.part === 'number' && m.ts) found.set(p.part, m.ts);
  }
  return found;
}

/** Whether Slack may have done the work although the call failed: no answer, or a 5xx. */
export const outcomeUnknown = (e: unknown) => {
  const code = (e as { code?: string }).code;
  return code === 'slack_webapi_request_error' || code === 'slack_webapi_http_error';
};

/**
 * Posts one part of a view, marked with its key; `posts` must not retry on its own. A refusal
 * (`not_in_channel`) is final; an unknown outcome is looked up before the post is tried again.
 */
export async function markedPost(posts: WebClient, lookups: WebClient, channel: string, message: SlackMessage, key: string | undefined, part: number): Promise<string> {
  const mark = key ?? randomUUID();
  let last: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await afterRateLimits(() => posts.chat.postMessage({ channel, ...message, metadata: { event_type: POST_EVENT, event_payload: { key: mark, part } } }));
      return res.ts!;
    } catch (e) {
      const code = slackErrorCode(e);
      if (code || !outcomeUnknown(e)) throw new ChatError(code ?? (e instanceof Error ? e.message : String(e)));
      last = e;
      // A lookup that fails too leaves the outcome unknown: stop rather than risk a second post.
      const ts = (await findPosted(lookups, channel, mark).catch(() => { throw new ChatError('post_unconfirmed', 'chat.postMessage gave no answer and the channel could not be searched'); })).get(part);
      if (ts) return ts;
    }
  }
  throw new ChatError('post_unconfirmed', `chat.postMessage gave no answer ${ATTEMPTS} times: ${last instanceof Error ? last.message : String(last)}`);
}
