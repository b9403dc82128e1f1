// How often a failing job is tried again, and when it is given up: a job that keeps failing (a
// channel the bot is not in, a receiver that is gone) must stop, be seen, and not be retried forever.
import type { Claim, NewEvent } from '../core/ports.js';

export type RetryPolicy = {
  /** Claims a job gets; the failure of the last one makes it dead. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles after each further one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
};

/** 30 s, 1, 2, 4 min, then dead: about 8 minutes of trying, long enough to ride out a Slack incident. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, firstDelayMs: 30_000, maxDelayMs: 15 * 60_000 };

/** The wait before the next claim of a job whose `attempts`-th claim failed. */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempts - 1));
}

/** An error as kept on the job row and in the timeline: one line, bounded. */
export function failureText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').trim().slice(0, 500) || 'unknown error';
}

/** The timeline's record of a job given up, for people to see and to act on by hand. */
export function deadJobEvent(job: Claim, error: string): NewEvent {
  return { type: 'job.dead', actor: null, data: { jobId: job.id, kind: job.kind, attempts: job.attempts, dueAt: job.dueAt.toISOString(), error } };
}
