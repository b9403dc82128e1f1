// The HTTP listener's own behaviour: probes, metrics, one log line per request, and a shutdown that
// drains load balancers and does not wait for keep-alive clients that never stop.
import http from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, listen, type HttpServer } from '../../src/server.js';

type Line = { level: number; msg: string; req?: { id: string; method: string; path: string }; status?: number; ms?: number };

function capture() {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { lines, log: pino({ level: 'debug' }, stream) };
}

let running: HttpServer | undefined;
afterEach(async () => {
  await running?.close(0);
  running = undefined;
});

async function start(routes: Parameters<typeof createHttpServer>[0]['routes'] = []) {
  const { lines, log } = capture();
  running = createHttpServer({ unready: async () => ({}), routes, log });
  const port = await listen(running.server, 0, '127.0.0.1');
  return { lines, base: `http://127.0.0.1:${port}`, port, server: running };
}

function get(agent: http.Agent, port: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('the HTTP server', () => {
  it('logs one info line per handled request, with method, path, status, duration and request id', async () => {
    const { lines, base } = await start([{ path: '/slack/events', handle: (_req, res) => res.writeHead(401).end() }]);
    const res = await fetch(`${base}/slack/events?x=1`, { method: 'POST', headers: { 'x-request-id': 'req-42' } });
    expect(res.headers.get('x-request-id')).toBe('req-42');
    await fetch(`${base}/nowhere`);
    const requests = lines.filter((l) => l.msg === 'request' && l.level === 30);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ req: { id: 'req-42', method: 'POST', path: '/slack/events' }, status: 401 });
    expect(typeof requests[0]!.ms).toBe('number');
    expect(requests[1]).toMatchObject({ req: { method: 'GET', path: '/nowhere' }, status: 404 });
    expect(requests[1]!.req!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a request id that is not a plain token and gives one of its own', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'a b\u00e9'.repeat(30) } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics on GET /metrics', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of ['incident_bot_ack_seconds', 'incident_bot_chat_api_errors_total', 'incident_bot_reminder_lag_seconds', 'incident_bot_jobs', 'incident_bot_lease_takeovers_total', 'incident_bot_refusals_total']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('answers /readyz with 503 as soon as it starts draining, before it stops accepting', async () => {
    const { base, server } = await start();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    server.drain();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, process: 'shutting down' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('stops even while a keep-alive client keeps its connection busy', async () => {
    let inFlight!: () => void;
    const entered = new Promise<void>((r) => (inFlight = r));
    const slow = { path: '/slow', handle: (_req: http.IncomingMessage, res: http.ServerResponse) => (inFlight(), setTimeout(() => res.end('ok'), 10)) };
    const { port, server } = await start([slow]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const connections: (string | undefined)[] = [];
    // A client that never pauses: each response is followed at once by the next request on the same socket.
    const busy = (async () => {
      for (;;) {
        try {
          connections.push((await get(agent, port, '/slow')).headers.connection);
        } catch {
          return;
        }
      }
    })();
    await entered;
    // A long grace: close() must return without the final cut.
    await server.close(60_000);
    await busy;
    agent.destroy();
    expect(connections.at(-1)).toBe('close');
    await expect(get(new http.Agent(), port, '/slow')).rejects.toThrow(/ECONNREFUSED/);
  });
});
