// Slack refuses a rate-limited call whole (429, nothing done), so sending it again once its
// Retry-After has passed is safe even for a post, which is otherwise never repeated blindly. The
// wait happens here, per call, rather than in the WebClient, which pauses its whole request queue
// (every channel's posts) while one call waits.

/** How long one call may wait out rate limits in all before it fails and its owner decides. */
export const RATE_LIMIT_BUDGET_MS = 30_000;

/** The Retry-After of a call Slack refused as rate limited (WebClient with rejectRateLimitedCalls), in ms. */
export function retryAfterMs(e: unknown): number | undefined {
  const err = e as { code?: unknown; retryAfter?: unknown } | null;
  return err?.code === 'slack_webapi_rate_limited_error' && typeof err.retryAfter === 'number' ? err.retryAfter * 1000 : undefined;
}

/** Runs `work`, and again after each rate limit's Retry-After, within `budgetMs` of waiting. */
export async function afterRateLimits<T>(work: () => Promise<T>, budgetMs = RATE_LIMIT_BUDGET_MS): Promise<T> {
  let waited = 0;
  for (;;) {
    try {
      return await work();
    } catch (e) {
      const wait = retryAfterMs(e);
      if (wait === undefined || waited + wait > budgetMs) throw e;
      await new Promise((resolve) => setTimeout(resolve, wait));
      waited += wait;
    }
  }
}
