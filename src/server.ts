// The process's one HTTP listener: health probes and metrics, then each surface's endpoint. Every
// request gets an id (the caller's X-Request-Id when it is sane) and one log line when it is answered.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from './log.js';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics.js';

/** `prefix`: the route also takes every path under `path` (which then ends with a slash). */
export type Route = { path: string; prefix?: boolean; handle: (req: IncomingMessage, res: ServerResponse) => void };

export interface HttpServer {
  server: http.Server;
  /** Shutdown, step 1: /readyz answers 503 so that load balancers stop sending traffic. */
  drain(): void;
  /**
   * Shutdown, step 2: no new connections; each keep-alive connection is closed after the response
   * it is busy with, and whatever is still open after `graceMs` is cut.
   */
  close(graceMs?: number): Promise<void>;
}

/** What keeps the process from serving, by dependency (`{ slack: 'socket mode disconnected' }`); empty when ready. */
export type Unready = Record<string, string>;

const REQUEST_ID = /^[\w.:-]{1,64}$/;
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const ids = new WeakMap<IncomingMessage, string>();

/** The id this request is logged under, for a surface's own log lines. */
export const requestIdOf = (req: IncomingMessage): string | undefined => ids.get(req);

export function createHttpServer(deps: { unready: () => Promise<Unready>; routes: Route[]; log: Logger }): HttpServer {
  let draining = false;
  const reply = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const claimed = req.headers['x-request-id'];
    const id = typeof claimed === 'string' && REQUEST_ID.test(claimed) ? claimed : randomUUID();
    ids.set(req, id);
    res.setHeader('x-request-id', id);
    if (draining) res.setHeader('connection', 'close');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.once('finish', () => {
      const line = { req: { id, method: req.method, path }, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 };
      // Probes come every few seconds from every load balancer: kept out of the info log.
      if (PROBES.has(path)) deps.log.debug(line, 'request');
      else deps.log.info(line, 'request');
    });
    if (req.method === 'GET' && path === '/healthz') return reply(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/readyz') {
      if (draining) return reply(res, 503, { ready: false, process: 'shutting down' });
      deps.unready().then(
        (why) => (Object.keys(why).length === 0 ? reply(res, 200, { ready: true }) : reply(res, 503, { ready: false, ...why })),
        (err: unknown) => {
          deps.log.warn({ err }, 'readiness check failed');
          reply(res, 503, { ready: false });
        },
      );
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      metricsText().then(
        (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
        (err: unknown) => {
          deps.log.error({ err }, 'metrics collection failed');
          reply(res, 500, { ok: false });
        },
      );
      return;
    }
    const route = deps.routes.find((r) => r.path === path || (r.prefix && path?.startsWith(r.path)));
    if (route) return route.handle(req, res);
    reply(res, 404, { ok: false, error: 'not_found' });
  });
  let closed: Promise<void> | undefined;
  return {
    server,
    drain() {
      draining = true;
    },
    close(graceMs = 5_000) {
      draining = true;
      closed ??= new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        // server.close() only waits for busy connections; idle keep-alive ones are closed now, and a
        // busy one closes after its response (which carries Connection: close from now on).
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

export function listen(server: http.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
