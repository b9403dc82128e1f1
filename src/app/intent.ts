// The shape every user intent shares, whatever surface it came from.
import type { Workspace } from '../core/incidents/model.js';
import type { ChatView } from './chat-port.js';

/**
 * Who asked, where, and under which delivery. `key` is the surface's delivery identity (Slack: view
 * id + hash, or action_ts + action id + user; Teams: the activity id; console: a client id): a second
 * delivery with the same key changes nothing and answers as the first did.
 */
export type Asked = { ws: Workspace; actor: string; roomId: string | null; key: string };

/**
 * What the surface does with an intent's outcome: `reply` goes privately to the actor at once (the
 * ack, the invoke response); `after` is the talk to the room, run once the reply has gone.
 */
export type Outcome = { reply?: ChatView; after?: () => Promise<void> };
