// Posts the scheduler's reminders in the incident channel, and escalations to the commanders'
// channel. A failure throws, so the scheduler keeps the job and retries it.
import type { IncidentState, Workspace } from '../../core/incidents/model.js';
import type { ReminderView } from '../../core/views/cadence.js';
import type { ReminderPoster } from '../../scheduler/scheduler.js';
import { escalationMessage, reminderMessage } from './blocks/update.js';
import type { WebClient } from './context.js';

/** Work the scheduler hands over that is not a message: a half-done channel set-up, an approved action. */
export type JobWork = {
  setup?: (ws: Workspace, state: IncidentState) => Promise<unknown>;
  action?: (ws: Workspace, state: IncidentState, requestId: string) => Promise<unknown>;
  lift?: (ws: Workspace, state: IncidentState, requestId: string) => Promise<unknown>;
  expire?: (ws: Workspace, state: IncidentState, requestId: string, lift: boolean) => Promise<unknown>;
};

export function slackReminderPoster(client: WebClient, escalationChannel: string | undefined, work: JobWork = {}): ReminderPoster {
  return {
    async post(ws: Workspace, state: IncidentState, view: ReminderView) {
      if (view.kind === 'setup') return void (await work.setup?.(ws, state));
      if (view.kind === 'action') return void (await work.action?.(ws, state, view.requestId));
      if (view.kind === 'lift') return void (await work.lift?.(ws, state, view.requestId));
      if (view.kind === 'expire') return void (await work.expire?.(ws, state, view.requestId, view.lift));
      const roomId = state.incident.roomId;
      if (!roomId) throw new Error('the incident has no channel yet');
      if (view.kind !== 'escalation') {
        await client.chat.postMessage({ channel: roomId, ...reminderMessage(view) });
      } else if (escalationChannel) {
        await client.chat.postMessage({ channel: escalationChannel, text: escalationMessage(view, roomId) });
      }
    },
  };
}
