// What every intent module is built from, and the two moves they all make: run the intent as one
// keyed delivery, and find the incident of the room it was asked in.
import type { IncidentState } from '../core/incidents/model.js';
import type { ChangeOutcome } from '../core/ports.js';
import type { Rich } from '../core/views/rich-text.js';
import type { ActionRuns } from './action-runs.js';
import type { ChatView } from './chat-port.js';
import type { AppDeps } from './deps.js';
import type { Asked, Outcome } from './intent.js';
import type { RoomSetup } from './room-setup.js';
import type { RoomTalk } from './room-talk.js';

export type AppContext = { deps: AppDeps; talk: RoomTalk; setup: RoomSetup; runs: ActionRuns };

/** Runs an intent as one delivery: the changes it makes are keyed by the asker's delivery id. */
export const keyed = <T>(ctx: AppContext, asked: Asked, work: () => Promise<T>): Promise<T> => ctx.deps.repo.once(asked.key, work);

/** The incident of the room the intent was asked in; refused anywhere else. */
export const here = (ctx: AppContext, asked: Asked): Promise<IncidentState> => ctx.deps.incidents.inRoom(asked.ws, asked.roomId ?? '');

export const say = (text: Rich): ChatView => ({ kind: 'text', text });
export const replyText = (text: Rich): Outcome => ({ reply: say(text) });

/**
 * After a change: nothing to tell when it was a repeat delivery (the first one told the room), the
 * room talk otherwise. Refreshes are safe to repeat, so a replay still runs `refresh`.
 */
export function talkAfter(outcome: Pick<ChangeOutcome<unknown>, 'replayed'>, tell: () => Promise<void>, refresh?: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (!outcome.replayed) await tell();
    await refresh?.();
  };
}
