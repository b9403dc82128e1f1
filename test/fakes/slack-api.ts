// A fake Slack Web API on 127.0.0.1. It answers `POST /api/<method>` like Slack, records every call,
// and can be told to fail a method (a platform error, or an HTTP status) a number of times.
// It also receives response_url posts at /response/<id>.
import { until } from './json-server.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Call = { method: string; body: Record<string, unknown>; response?: Record<string, unknown> };
/**
 * `error`/`status`: refused before any work. `lost`: the work is done, the answer never sent.
 * `dropped`: the work is done, then the connection is closed without an answer.
 * `after`: the work is done, then this HTTP status is answered instead (a 503 after the post).
 * `retryAfter`: with `status: 429`, the Retry-After header (seconds), as Slack rate limits.
 * `ts`: only calls about that message fail; the others are answered as usual.
 */
type Failure = { error?: string; status?: number; retryAfter?: number; lost?: boolean; dropped?: boolean; after?: number; times: number; ts?: string };
export type Fault = Omit<Failure, 'times'>;
type Channel = { id: string; name: string; creator: string; is_archived: boolean };
type Message = { ts: string; text: unknown; metadata?: unknown };

function parseBody(raw: string, type: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (type?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The WebClient sends nested arguments (blocks, view) as JSON strings.
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

export class FakeSlackApi {
  readonly calls: Call[] = [];
  /** Display names users.info answers with, by user id; anyone else is a user without a name. */
  readonly users = new Map<string, string>();
  /** Consulted for each call no `fail()` applies to: a fault to inject (chaos tests pick one at random), or none. */
  faults?: (method: string) => Fault | undefined;
  private failures = new Map<string, Failure>();
  private hangs: { method: string; when: (body: Record<string, unknown>) => boolean }[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  private seq = 0;
  private held: http.ServerResponse[] = [];
  readonly channels: Channel[] = [];
  /** Messages posted, per channel, oldest first. */
  readonly messages = new Map<string, Message[]>();
  /** The ws:// URL apps.connections.open answers with (a FakeSocketMode's), for Socket Mode. */
  socketModeUrl = '';
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.destroy();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Makes the next `times` calls of `method` fail. */
  fail(method: string, failure: Omit<Failure, 'times'>, times = 1) {
    this.failures.set(method, { ...failure, times });
  }

  /** Calls of `method` that `when` picks are never answered (nor done) until the returned release. */
  hang(method: string, when: (body: Record<string, unknown>) => boolean): () => void {
    const hang = { method, when };
    this.hangs.push(hang);
    return () => void (this.hangs = this.hangs.filter((h) => h !== hang));
  }

  called(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until `check` passes, retrying while it throws; the last failure is rethrown. */
  until<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
    return until(check, timeoutMs);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/(api|response)\//, (_m, kind: string) => (kind === 'response' ? 'response_url:' : ''));
      const body = parseBody(raw, req.headers['content-type']);
      const call: Call = { method, body };
      this.calls.push(call);
      if (this.hangs.some((h) => h.method === method && h.when(body))) return void this.held.push(res);
      const scripted = this.failures.get(method);
      const applies = scripted && scripted.times > 0 && (scripted.ts === undefined || body.ts === scripted.ts);
      const failure = applies ? scripted : this.faults?.(method);
      if (failure) {
        if (applies) scripted.times -= 1;
        if (failure.lost || failure.dropped || failure.after) {
          call.response = this.answer(method, body);
          if (failure.after) return res.writeHead(failure.after).end('unavailable');
          if (failure.dropped) return void req.socket.destroy();
          return void this.held.push(res);
        }
        if (failure.status) return res.writeHead(failure.status, failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) }).end('unavailable');
        return this.json(res, { ok: false, error: failure.error });
      }
      call.response = this.answer(method, body);
      this.json(res, call.response);
    });
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const n = ++this.seq;
    switch (method) {
      case 'auth.test':
        return { ok: true, team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'apps.connections.open':
        return this.socketModeUrl ? { ok: true, url: this.socketModeUrl } : { ok: false, error: 'invalid_auth' };
      case 'conversations.create': {
        if (this.channels.some((c) => c.name === body.name)) return { ok: false, error: 'name_taken' };
        const channel = { id: `CINC${n}`, name: String(body.name), creator: 'UBOT', is_archived: false };
        this.channels.push(channel);
        return { ok: true, channel };
      }
      case 'conversations.list':
        return { ok: true, channels: this.channels, response_metadata: { next_cursor: '' } };
      case 'conversations.history': {
        // Newest first, as Slack answers; metadata only when asked for.
        const all = [...(this.messages.get(String(body.channel)) ?? [])].reverse();
        return { ok: true, messages: all.map((m) => (body.include_all_metadata ? m : { ts: m.ts, text: m.text })) };
      }
      case 'chat.postMessage': {
        // Real time in the ts, so a history lookup's `oldest` window finds recent posts.
        const ts = `${Math.floor(Date.now() / 1000)}.${String(n).padStart(6, '0')}`;
        const list = this.messages.get(String(body.channel)) ?? [];
        list.push({ ts, text: body.text, ...(body.metadata ? { metadata: body.metadata } : {}) });
        this.messages.set(String(body.channel), list);
        return { ok: true, channel: body.channel, ts };
      }
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `${this.url}/upload/F${n}`, file_id: `F${n}` };
      case 'users.info': {
        const id = String(body.user);
        const name = this.users.get(id);
        return name ? { ok: true, user: { id, name: id.toLowerCase(), real_name: name, profile: { display_name: name } } } : { ok: false, error: 'user_not_found' };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F', title: body.files }] };
      default:
        return { ok: true };
    }
  }

  private json(res: http.ServerResponse, payload: object) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }
}
