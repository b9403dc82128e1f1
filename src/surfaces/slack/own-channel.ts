// conversations.create is not idempotent either: when its answer is lost, the channel may exist.
// A channel of the wanted name that this bot created is the one it asked for (the name carries the
// incident's number, unique in the workspace), so it is used instead of a second one.
import type { WebClient } from './context.js';

const PAGES = 10;

export async function findOwnChannel(client: WebClient, name: string, botUserId: string): Promise<{ id: string; name: string } | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const res = await client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) });
    const hit = res.channels?.find((c) => c.name === name && c.creator === botUserId);
    if (hit?.id) return { id: hit.id, name };
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}
