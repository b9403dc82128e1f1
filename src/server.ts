// The process's one HTTP listener: health probes, then each surface's endpoint.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `prefix`: the route also takes every path under `path` (which then ends with a slash). */
export type Route = { path: string; prefix?: boolean; handle: (req: IncomingMessage, res: ServerResponse) => void };

export function createHttpServer(ready: () => Promise<boolean>, routes: Route[]): http.Server {
  const reply = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return reply(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/readyz') {
      ready().then(
        (ok) => reply(res, ok ? 200 : 503, { ok }),
        () => reply(res, 503, { ok: false }),
      );
      return;
    }
    const route = routes.find((r) => r.path === path || (r.prefix && path?.startsWith(r.path)));
    if (route) return route.handle(req, res);
    reply(res, 404, { ok: false, error: 'not_found' });
  });
}

export function listen(server: http.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
