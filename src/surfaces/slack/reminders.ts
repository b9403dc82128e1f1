// Posts the scheduler's reminders in the incident channel, and escalations to the commanders'
// channel. A failure throws, so the scheduler keeps the job and retries it.
import type { IncidentState, Workspace } from '../../core/incidents/model.js';
import type { ReminderView } from '../../core/views/cadence.js';
import type { ReminderPoster } from '../../scheduler/scheduler.js';
import { escalationMessage, reminderMessage } from './blocks/update.js';
import type { WebClient } from './context.js';

/** `setup` finishes an incident's channel set-up that a dead process left half done. */
export type Setup = (ws: Workspace, state: IncidentState) => Promise<unknown>;

export function slackReminderPoster(client: WebClient, escalationChannel: string | undefined, setup?: Setup): ReminderPoster {
  return {
    async post(ws: Workspace, state: IncidentState, view: ReminderView) {
      if (view.kind === 'setup') {
        await setup?.(ws, state);
        return;
      }
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
