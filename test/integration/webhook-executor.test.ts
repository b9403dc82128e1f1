// The webhook executor against a real HTTP receiver on 127.0.0.1: the receiver verifies each delivery
// with the `standardwebhooks` package itself (signature over id, timestamp and the bytes it got, and the
// timestamp's age), sees one Idempotency-Key per request however many attempts (and executors) deliver
// it, and the executor's outcome says what happened: succeeded, failed with the response, or timed out.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRequest } from '../../src/core/actions/ports.js';
import { createWebhookExecutor, type WebhookExecutorOptions } from '../../src/executors/webhook.js';

const SECRET = `whsec_${Buffer.from('test-secret-0123456789abcdef').toString('base64')}`;

type Received = { headers: IncomingHttpHeaders; body: string; signatureValid: boolean; at: number };
/** What the receiver does with the n-th request: answer with a status (and body), or never answer. */
type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

let server: Server;
let base: string;
let received: Received[] = [];
let script: Reply[] = [];
/** Keys the receiver has acted on: its deduplication. */
let acted: Set<string>;
const hanging: ServerResponse[] = [];

/** What a real receiver does: verify the delivery with the Standard Webhooks library and the shared secret. */
function verify(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verify(SECRET, body, req.headers);
      received.push({ headers: req.headers, body, signatureValid, at: Date.now() });
      if (!signatureValid) {
        res.writeHead(401).end('bad signature');
        return;
      }
      const reply = script.shift() ?? { status: 200 };
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      if (reply.status >= 200 && reply.status < 300) acted.add(String(req.headers['idempotency-key']));
      res.writeHead(reply.status, { 'Content-Type': 'text/plain', ...reply.headers }).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  script = [];
  acted = new Set();
});

const request = (over: Partial<ExecutionRequest> = {}): ExecutionRequest => ({
  requestId: 'req-1',
  idempotencyKey: 'action-request:7f9c2a51-1b7e-4d0f-9a51-6b1c2e3d4f50',
  action: { id: 'pause-auto-activation', title: 'Pause auto-activation', effects: ['freeze-activation'] },
  params: { tenant: 'acme', channel: ['stable', 'beta'] },
  incident: { id: 'inc-1', number: 42, workspace: 'ws-1', severity: 'SEV1', integrityUncertain: true },
  requestedBy: 'U_OPS',
  approvedBy: 'U_IC',
  overrideReason: 'Every acme device is failing activation.',
  ...over,
});

const executor = (over: Partial<WebhookExecutorOptions> = {}) =>
  createWebhookExecutor({ url: `${base}/hooks/containment?token=hidden`, secret: SECRET, timeoutMs: 2000, retries: 2, backoffMs: 10, ...over });

describe('webhook executor', () => {
  it('POSTs the request as JSON that the receiver can verify, and 2xx is success', async () => {
    script = [{ status: 202, body: 'queued' }];
    const before = Math.floor(Date.now() / 1000);
    const out = await executor().execute(request());
    expect(out).toMatchObject({ status: 'succeeded', response: { status: 202, body: 'queued' } });
    expect(out.detail).toContain('answered 202');
    expect(out.detail).not.toContain('token=hidden');

    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.signatureValid).toBe(true);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['idempotency-key']).toBe(request().idempotencyKey);
    expect(r.headers['webhook-id']).toBe(request().idempotencyKey);
    const ts = Number(r.headers['webhook-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    // Enough for the receiver to check the two-person rule itself.
    expect(JSON.parse(r.body)).toEqual({
      requestId: 'req-1',
      idempotencyKey: request().idempotencyKey,
      action: { id: 'pause-auto-activation', title: 'Pause auto-activation', effects: ['freeze-activation'] },
      params: { tenant: 'acme', channel: ['stable', 'beta'] },
      incident: { id: 'inc-1', number: 42, workspace: 'ws-1', severity: 'SEV1', integrityUncertain: true },
      requestedBy: 'U_OPS',
      approvedBy: 'U_IC',
      overrideReason: 'Every acme device is failing activation.',
    });
  });

  it('a delivery replayed after five minutes fails verification by its age, and a changed body by its signature', async () => {
    const old = await executor({ now: () => new Date(Date.now() - 6 * 60_000), retries: 0 }).execute(request());
    expect(received[0]!.signatureValid).toBe(false);
    expect(old).toMatchObject({ status: 'failed', response: { status: 401 } });
    await executor({ retries: 0 }).execute(request());
    const good = received[1]!;
    expect(good.signatureValid).toBe(true);
    expect(verify(SECRET, good.body.replace('"acme"', '"globex"'), good.headers)).toBe(false);
  });

  it('a secret without the whsec_ prefix signs with its own bytes, as a receiver in raw mode verifies', async () => {
    const raw = 'raw-secret-0123456789abcdef';
    await executor({ secret: raw, retries: 0 }).execute(request());
    const r = received[0]!;
    expect(() => new Webhook(Buffer.from(raw), { format: 'raw' }).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
  });

  it('a receiver with another secret refuses the signature; 401 is final, not retried', async () => {
    const out = await executor({ secret: `whsec_${Buffer.from('another-secret-0123456789').toString('base64')}` }).execute(request());
    expect(received).toHaveLength(1);
    expect(received[0]!.signatureValid).toBe(false);
    expect(out).toMatchObject({ status: 'failed', response: { status: 401, body: 'bad signature' } });
    expect(out.detail).toContain('(not retried)');
  });

  it('retries 503 with exponential backoff, then succeeds; every attempt carries the same key and body', async () => {
    script = [{ status: 503, body: 'busy' }, { status: 503, body: 'busy' }, { status: 200, body: 'done' }];
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((r) => setTimeout(r, ms));
    };
    const out = await executor({ backoffMs: 25, sleep }).execute(request());
    expect(out).toMatchObject({ status: 'succeeded', response: { status: 200, body: 'done' } });
    expect(out.detail).toContain('attempt 3 of 3');
    expect(waits).toEqual([25, 50]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['idempotency-key']))).toEqual(new Set([request().idempotencyKey]));
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(received.every((r) => r.signatureValid)).toBe(true);
    expect(received[2]!.at - received[1]!.at).toBeGreaterThanOrEqual(45);
  });

  it('retries 429, honouring Retry-After (capped)', async () => {
    script = [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 204 }];
    const waits: number[] = [];
    const out = await executor({ backoffMs: 10, maxBackoffMs: 500, sleep: async (ms) => void waits.push(ms) }).execute(request());
    expect(out.status).toBe('succeeded');
    expect(waits).toEqual([500]);
    expect(received).toHaveLength(2);
  });

  it('a 4xx is final: not retried, and the response is recorded', async () => {
    script = [{ status: 422, body: 'unknown channel "beta"' }];
    const out = await executor().execute(request());
    expect(received).toHaveLength(1);
    expect(out).toEqual({
      status: 'failed',
      detail: `POST ${base}/hooks/containment answered 422 (not retried).`,
      response: { status: 422, body: 'unknown channel "beta"' },
    });
  });

  it('a redirect is not followed (the signed body goes only where configured)', async () => {
    script = [{ status: 307, headers: { Location: 'http://203.0.113.9/elsewhere' } }];
    const out = await executor().execute(request());
    expect(received).toHaveLength(1);
    expect(out).toMatchObject({ status: 'failed', response: { status: 307 } });
  });

  it('5xx until the retries run out is a failure with the last response', async () => {
    script = [{ status: 500, body: 'boom 1' }, { status: 502, body: 'boom 2' }, { status: 503, body: 'boom 3' }];
    const out = await executor({ retries: 2 }).execute(request());
    expect(received).toHaveLength(3);
    expect(out).toMatchObject({ status: 'failed', response: { status: 503, body: 'boom 3' } });
    expect(out.detail).toContain('answered 503 after 3 attempts');
  });

  it('no answer within the timeout on any attempt is timed_out', async () => {
    script = ['hang', 'hang'];
    const started = Date.now();
    const out = await executor({ timeoutMs: 150, retries: 1 }).execute(request());
    expect(out.status).toBe('timed_out');
    expect(out.detail).toContain('no answer within 150 ms on attempts 1, 2 of 2 attempts');
    expect(out.response).toBeUndefined();
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('a timeout is retried like a network error, and a later 2xx is success', async () => {
    script = ['hang', { status: 200 }];
    const out = await executor({ timeoutMs: 150, retries: 1 }).execute(request());
    expect(out.status).toBe('succeeded');
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual([request().idempotencyKey, request().idempotencyKey]);
  });

  it('a receiver that is down is a failure naming the network error, after the retries', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const waits: number[] = [];
    const out = await executor({ url: `http://127.0.0.1:${port}/`, retries: 2, sleep: async (ms) => void waits.push(ms) }).execute(request());
    expect(out.status).toBe('failed');
    expect(out.detail).toContain('ECONNREFUSED');
    expect(out.detail).toContain('after 3 attempts');
    expect(waits).toHaveLength(2);
  });

  it('after a restart, a new executor re-drives the request with the same key, and the receiver acts once', async () => {
    // The first process sends, gets no answer in time, and dies before storing an outcome.
    script = ['hang'];
    const first = await executor({ timeoutMs: 150, retries: 0 }).execute(request());
    expect(first.status).toBe('timed_out');
    // The restarted process re-drives the stored request; the receiver deduplicates on the key.
    script = [{ status: 200, body: 'already applied' }];
    const second = await executor().execute(request());
    expect(second.status).toBe('succeeded');
    expect(received).toHaveLength(2);
    expect(received[0]!.headers['idempotency-key']).toBe(received[1]!.headers['idempotency-key']);
    expect(received[0]!.body).toBe(received[1]!.body);
    expect(received[0]!.headers['webhook-id']).toBe(received[1]!.headers['webhook-id']);
    expect([...acted]).toEqual([request().idempotencyKey]);
    // A different request is a different key.
    await executor().execute(request({ requestId: 'req-2', idempotencyKey: 'action-request:other' }));
    expect(acted.size).toBe(2);
  });

  it('bad options stop start-up with a message naming them', () => {
    expect(() => createWebhookExecutor({ url: 'ftp://example.com/x', secret: SECRET, timeoutMs: 1000, retries: 1, backoffMs: 10 })).toThrow(/url/);
    expect(() => createWebhookExecutor({ url: 'http://ops.example.com/x', secret: SECRET, timeoutMs: 1000, retries: 1, backoffMs: 10 })).toThrow(/https/);
    expect(() => createWebhookExecutor({ url: `${base}/`, secret: 'short', timeoutMs: 1000, retries: 1, backoffMs: 10 })).toThrow(/secret/);
    expect(() => createWebhookExecutor({ url: `${base}/`, secret: SECRET, timeoutMs: 1000, retries: 99, backoffMs: 10 })).toThrow(/retries/);
  });
});
