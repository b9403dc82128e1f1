// Who may reach the console. The person switcher trusts whoever does, so: on loopback, only pages
// this console served (no other site's form or script can post to it, no rebound host name can read
// it); on another interface, only requests carrying CONSOLE_TOKEN (a bearer header, or the cookie
// that opening the page once with ?token= sets).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleConfig } from '../../config.js';

const COOKIE = 'console_token';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const hash = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(hash(a), hash(b));

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export type Verdict = { ok: true } | { ok: false; status: number; error: string } | { ok: 'redirect'; location: string; setCookie: string };

const LOOPBACK_PEERS = /^(127\.|::1$|::ffff:127\.)/;

export function checkRequest(cfg: ConsoleConfig, req: IncomingMessage, url: URL): Verdict {
  const hostName = (req.headers.host ?? '').replace(/:\d+$/, '');
  // The server may listen on every interface for Slack or Teams; without a token the console still
  // answers only this machine, under its own host name.
  if (!cfg.token && (!LOOPBACK_PEERS.test(req.socket.remoteAddress ?? '') || !LOOPBACK_HOSTS.has(hostName))) {
    return { ok: false, status: 403, error: 'Without CONSOLE_TOKEN the console answers on 127.0.0.1 only.' };
  }
  if (req.method === 'POST') {
    // A cross-site page cannot send JSON without a preflight, which the console never grants.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return { ok: false, status: 415, error: 'Send JSON.' };
    const origin = req.headers.origin;
    if (origin && new URL(origin).host !== req.headers.host) return { ok: false, status: 403, error: 'Requests from other sites are refused.' };
  }
  if (!cfg.token) return { ok: true };
  const fromQuery = url.searchParams.get('token');
  if (fromQuery && sameSecret(fromQuery, cfg.token)) {
    url.searchParams.delete('token');
    return { ok: 'redirect', location: `${url.pathname}${url.search}`, setCookie: `${COOKIE}=${encodeURIComponent(cfg.token)}; HttpOnly; SameSite=Strict; Path=/` };
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const given = bearer ?? cookie(req, COOKIE);
  if (given && sameSecret(given, cfg.token)) return { ok: true };
  return { ok: false, status: 401, error: 'This console needs its token: open it once as /?token=<CONSOLE_TOKEN>, or send Authorization: Bearer <CONSOLE_TOKEN>.' };
}

export function refuse(res: ServerResponse, v: Exclude<Verdict, { ok: true }>): void {
  if (v.ok === 'redirect') {
    res.writeHead(303, { location: v.location || '/', 'set-cookie': v.setCookie }).end();
    return;
  }
  res.writeHead(v.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: v.error }));
}
