// Manual execution: the bot does not act; it asks the requester to carry the action out and to confirm
// it done or failed, with a note. The surface shows the prompt and records the confirmation; this module
// says what the confirmation becomes. Every action ACTION_WEBHOOK_ACTIONS does not send to the webhook
// is manual (see select.ts).
import type { ExecutionOutcome, ExecutionRequest } from '../core/actions/ports.js';
import { mention } from '../core/views/text.js';

export type ManualPrompt = {
  /** Only this user confirms the outcome. */
  confirmBy: string;
  text: string;
};

/** What the bot asks once a manual request has passed its gates (and its approval). */
export function manualPrompt(req: Pick<ExecutionRequest, 'action' | 'params' | 'requestedBy'>): ManualPrompt {
  const params = Object.entries(req.params)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('; ');
  return {
    confirmBy: req.requestedBy,
    text: `${mention(req.requestedBy)}, carry out "${req.action.title}"${params ? ` (${params})` : ''} by hand, then confirm it done or failed, with a note.`,
  };
}

export type ManualConfirmation = { by: string; result: 'done' | 'failed'; note?: string };

/** The outcome a confirmation records, or null when it comes from someone other than the requester. */
export function manualOutcome(req: Pick<ExecutionRequest, 'requestedBy'>, c: ManualConfirmation): ExecutionOutcome | null {
  if (c.by !== req.requestedBy) return null;
  const note = c.note?.trim();
  const said = note ? `: ${note}` : '';
  return c.result === 'done'
    ? { status: 'succeeded', detail: `Confirmed done by ${mention(c.by)}${said}` }
    : { status: 'failed', detail: `Confirmed failed by ${mention(c.by)}${said}` };
}
