// A small recording HTTP server on 127.0.0.1 for the fake Microsoft endpoints (issuer, Bot
// Connector, Graph): each request is recorded with its parsed body, and a route answers it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Recorded = { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown; raw: string };
export type Reply = { status?: number; body?: unknown; type?: string };
export type Route = (req: Recorded, match: RegExpMatchArray) => Reply | Promise<Reply>;

export class JsonServer {
  readonly requests: Recorded[] = [];
  private readonly routes: { method: string; pattern: RegExp; route: Route }[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  on(method: string, pattern: RegExp, route: Route): this {
    this.routes.push({ method, pattern, route });
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      let body: unknown = raw;
      if (req.headers['content-type']?.includes('json') && raw) body = JSON.parse(raw);
      else if (req.headers['content-type']?.includes('x-www-form-urlencoded')) body = Object.fromEntries(new URLSearchParams(raw));
      const recorded: Recorded = { method: req.method ?? 'GET', path, headers: req.headers, body, raw };
      this.requests.push(recorded);
      const found = this.routes.map((r) => ({ r, m: r.method === recorded.method ? path.match(r.pattern) : null })).find((x) => x.m);
      if (!found) return void res.writeHead(404).end();
      Promise.resolve(found.r.route(recorded, found.m!)).then(
        (reply) => {
          const status = reply.status ?? 200;
          if (reply.body === undefined) return void res.writeHead(status).end();
          const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(status, { 'content-type': reply.type ?? 'application/json' }).end(text);
        },
        () => res.writeHead(500).end(),
      );
    });
  }
}

/** Waits until `check` passes, retrying while it throws; the last failure is rethrown. */
export async function until<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
