// The webhook executor: POSTs the request as JSON to a configured URL, signed the Standard Webhooks way
// (https://www.standardwebhooks.com), so a receiver verifies it with the `standardwebhooks` package:
//
//   webhook-id:        <the request's key>            identical across retries and restarts
//   webhook-timestamp: <unix seconds of the attempt>  a receiver refuses a delivery older than 5 minutes
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>
//   Idempotency-Key:   <the request's key>            the same value, for receivers that deduplicate on it
//
// The key is the secret's bytes after `whsec_` (base64), or the secret itself as bytes when it has no prefix.
// The body names who requested and who approved, the severity and any evidence override, so a
// receiver can check the two-person rule itself.
//
// Each attempt has its own timeout. Network errors, timeouts, 5xx and 429 are retried with exponential
// backoff (honouring Retry-After, capped); any other status is final. 2xx is success; anything else is
// a failure with the response recorded; a final attempt that timed out is `timed_out` (the receiver may
// have acted: it deduplicates on the Idempotency-Key). Redirects are not followed.
import { setTimeout as sleepFor } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { ExecutionOutcome, ExecutionRequest, Executor } from '../core/actions/ports.js';

export const ID_HEADER = 'webhook-id';
export const TIMESTAMP_HEADER = 'webhook-timestamp';
export const SIGNATURE_HEADER = 'webhook-signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The recorded response body is cut to this many characters. */
export const RESPONSE_BODY_MAX = 4000;

const optionsSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((u) => u.startsWith('https:') || /^http:\/\/(localhost|127\.[0-9.]+|\[::1\])[:/]/.test(u), 'must be https (http only to loopback)'),
  secret: z.string().min(16, 'must be at least 16 characters'),
  timeoutMs: z.number().int().positive().max(120_000),
  retries: z.number().int().min(0).max(10),
  backoffMs: z.number().int().min(0).max(60_000),
  maxBackoffMs: z.number().int().min(0).max(300_000).default(30_000),
});

export type WebhookExecutorOptions = z.input<typeof optionsSchema> & {
  fetch?: typeof globalThis.fetch;
  /** The attempt's timestamp; the wall clock by default. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
};

/** The signer for a configured secret: `whsec_<base64>` as Standard Webhooks issues it, or raw bytes. */
export const signer = (secret: string): Webhook => (secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' }));

/** The JSON the receiver gets: the same bytes on every attempt of a request. */
export function webhookBody(req: ExecutionRequest): string {
  return JSON.stringify({
    requestId: req.requestId,
    idempotencyKey: req.idempotencyKey,
    action: { id: req.action.id, title: req.action.title, effects: req.action.effects },
    params: req.params,
    incident: req.incident,
    requestedBy: req.requestedBy,
    approvedBy: req.approvedBy,
    overrideReason: req.overrideReason,
  });
}

type Attempt =
  | { kind: 'response'; status: number; body: string; retryAfterMs?: number }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

const isTimeout = (e: unknown): boolean => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');

/** Retry-After as seconds or an HTTP date, in ms from `now`. */
function retryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

const retryable = (a: Attempt): boolean =>
  a.kind !== 'response' || a.status >= 500 || a.status === 429;

export function createWebhookExecutor(options: WebhookExecutorOptions): Executor {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'} ${i.message}`).join('; ');
    throw new Error(`webhook executor: bad options: ${issues}`);
  }
  const { url, secret, timeoutMs, retries, backoffMs, maxBackoffMs } = parsed.data;
  const sign = signer(secret);
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));
  // Never echo credentials or a query token into the timeline.
  const target = (() => {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  })();

  async function attempt(body: string, idempotencyKey: string): Promise<Attempt> {
    const at = now();
    const headers = {
      'Content-Type': 'application/json',
      [ID_HEADER]: idempotencyKey,
      [TIMESTAMP_HEADER]: String(Math.floor(at.getTime() / 1000)),
      [SIGNATURE_HEADER]: sign.sign(idempotencyKey, at, body),
      [IDEMPOTENCY_HEADER]: idempotencyKey,
    };
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
    } catch (e) {
      if (isTimeout(e) || signal.aborted) return { kind: 'timeout' };
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return { kind: 'error', message: cause?.code ?? cause?.message ?? (e as Error).message };
    }
    let text = '';
    try {
      text = await res.text();
    } catch (e) {
      text = isTimeout(e) ? '(body not received within the timeout)' : `(body unreadable: ${(e as Error).message})`;
    }
    const ra = retryAfter(res.headers.get('retry-after'), at);
    return {
      kind: 'response',
      status: res.status,
      body: text.length > RESPONSE_BODY_MAX ? `${text.slice(0, RESPONSE_BODY_MAX)}…` : text,
      ...(ra !== undefined ? { retryAfterMs: ra } : {}),
    };
  }

  return {
    async execute(req: ExecutionRequest): Promise<ExecutionOutcome> {
      const body = webhookBody(req);
      const max = retries + 1;
      let last: Attempt = { kind: 'error', message: 'not attempted' };
      let lastResponse: { status: number; body: string } | undefined;
      let n = 0;
      const timedOut: number[] = [];
      while (n < max) {
        n++;
        last = await attempt(body, req.idempotencyKey);
        if (last.kind === 'response') {
          lastResponse = { status: last.status, body: last.body };
          if (last.status >= 200 && last.status < 300) {
            return { status: 'succeeded', detail: `POST ${target} answered ${last.status} (attempt ${n} of ${max}).`, response: lastResponse };
          }
        }
        if (last.kind === 'timeout') timedOut.push(n);
        if (!retryable(last) || n >= max) break;
        const backoff = Math.min(backoffMs * 2 ** (n - 1), maxBackoffMs);
        const wait = last.kind === 'response' && last.retryAfterMs !== undefined ? Math.min(Math.max(backoff, last.retryAfterMs), maxBackoffMs) : backoff;
        await sleep(wait);
      }
      const tries = `${n} attempt${n > 1 ? 's' : ''}`;
      const withResponse = lastResponse ? { response: lastResponse } : {};
      switch (last.kind) {
        case 'timeout':
          return {
            status: 'timed_out',
            detail: `POST ${target} gave no answer within ${timeoutMs} ms on attempt${timedOut.length > 1 ? 's' : ''} ${timedOut.join(', ')} of ${tries}; the receiver may have acted (it deduplicates on the Idempotency-Key).`,
            ...withResponse,
          };
        case 'error':
          return { status: 'failed', detail: `POST ${target} could not be sent (${last.message}) after ${tries}.`, ...withResponse };
        case 'response':
          return {
            status: 'failed',
            detail: `POST ${target} answered ${last.status}${retryable(last) ? ` after ${tries}` : ' (not retried)'}.`,
            ...withResponse,
          };
      }
    },
  };
}
