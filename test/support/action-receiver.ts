// A containment-action webhook receiver on 127.0.0.1 for end-to-end tests: it verifies every delivery
// with the `standardwebhooks` package itself, records every call, and answers as each test tells it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Hit = {
  key: string;
  raw: string;
  body: { requestId: string; idempotencyKey: string; action: { id: string; effects: string[] }; params: Record<string, unknown>; requestedBy: string; approvedBy: string | null; overrideReason: string | null; incident: Record<string, unknown> };
  signatureOk: boolean;
  answered?: number;
};
export type Plan = { status: number; body?: string } | 'hold';

/** A receiver on 127.0.0.1 that verifies each delivery with `standardwebhooks`, records every call, and answers as told. */
export class Receiver {
  readonly hits: Hit[] = [];
  private plans: Plan[] = [];
  private held: { hit: Hit; res: http.ServerResponse }[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  constructor(private readonly secret: string) {}

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  stop(): Promise<void> {
    this.releaseAll();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** The next calls are answered so, in order; after them, 200. */
  next(...plans: Plan[]) {
    this.plans.push(...plans);
  }

  get heldCount() {
    return this.held.length;
  }

  /** Answers the `i`-th call still held with 200. */
  release(i = 0) {
    const [h] = this.held.splice(i, 1);
    if (!h) throw new Error('nothing held');
    h.hit.answered = 200;
    h.res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  }

  releaseAll() {
    while (this.held.length) this.release();
  }

  private verify(raw: string, headers: http.IncomingHttpHeaders): boolean {
    try {
      new Webhook(this.secret).verify(raw, headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const hit: Hit = { key: String(req.headers['idempotency-key'] ?? ''), raw, body: JSON.parse(raw) as Hit['body'], signatureOk: this.verify(raw, req.headers) };
      this.hits.push(hit);
      if (!hit.signatureOk) return void res.writeHead(401).end('bad signature');
      const plan = this.plans.shift() ?? { status: 200, body: '{"ok":true}' };
      if (plan === 'hold') return void this.held.push({ hit, res });
      hit.answered = plan.status;
      res.writeHead(plan.status, { 'content-type': 'application/json' }).end(plan.body ?? '');
    });
  }
}
