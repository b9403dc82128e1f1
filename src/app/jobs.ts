// What the scheduler's due jobs become: reminders posted in the incident's room, escalations in the
// commanders' room, and work that is not a message (a half-done set-up, an approved action, a lift,
// the expiry of a request nobody approved).
// A failure throws, so the scheduler keeps the job and retries it.
import type { IncidentState, Workspace } from '../core/incidents/model.js';
import type { Claim } from '../core/ports.js';
import { code, icon, t } from '../core/views/rich-text.js';
import type { ReminderView } from '../core/views/cadence.js';
import type { ReminderPoster } from '../scheduler/scheduler.js';
import type { ActionRuns } from './action-runs.js';
import type { AppDeps } from './deps.js';
import type { RoomSetup } from './room-setup.js';
import type { RoomTalk } from './room-talk.js';

/** The scheduler's work, and what the room hears of a job that stopped being retried. */
export type JobDispatcher = ReminderPoster & { dead(job: Claim, state: IncidentState | undefined, error: string): Promise<void> };

export function jobDispatcher(deps: AppDeps, talk: RoomTalk, setup: RoomSetup, runs: ActionRuns): JobDispatcher {
  return {
    /** A dead job is in the timeline already; the room is told so that nobody waits for it. */
    async dead(job, state, error) {
      if (!state?.incident.roomId) return;
      const text = t`${icon('failed')} A scheduled ${code(job.kind)} gave up after ${job.attempts} attempts (${error}). It will not be retried; do its work by hand.`;
      await talk.say(job.ws, state, text, 'job.dead.post');
    },
    async post(ws: Workspace, state: IncidentState, view: ReminderView, jobId: string, firstTry: boolean) {
      if (view.kind === 'setup') return void (await setup.run(ws, state));
      if (view.kind === 'action') return runs.run(ws, state, view.requestId);
      if (view.kind === 'lift') return runs.lift(ws, state, view.requestId);
      if (view.kind === 'expire') return runs.expire(ws, state, view.requestId, view.lift);
      const roomId = state.incident.roomId;
      if (!roomId) throw new Error('the incident has no room yet');
      const chat = talk.chat(ws);
      if (view.kind !== 'escalation') {
        await chat.post(ws, roomId, { kind: 'reminder', view }, `job:${jobId}`, firstTry);
        return;
      }
      const commanders = deps.escalationRoom?.[ws.platform];
      if (commanders) await chat.post(ws, commanders, { kind: 'escalation', view, roomId }, `job:${jobId}`, firstTry);
    },
  };
}
