// Who may reach the console: this machine only without a token, and with CONSOLE_TOKEN only requests
// that carry it; never another site's page posting into it.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../src/surfaces/console/guard.js';

const TOKEN = 'a-long-enough-console-token';

function req(opts: { method?: string; host?: string; peer?: string; headers?: Record<string, string> } = {}): IncomingMessage {
  return {
    method: opts.method ?? 'GET',
    headers: { host: opts.host ?? '127.0.0.1:3000', ...(opts.method === 'POST' ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    socket: { remoteAddress: opts.peer ?? '127.0.0.1' },
  } as unknown as IncomingMessage;
}
const at = (path = '/') => new URL(path, 'http://console.local');
const loopback = { host: '127.0.0.1' };
const shared = { host: '0.0.0.0', token: TOKEN };

describe('the console guard', () => {
  it('lets this machine in on loopback, under its own host name', () => {
    expect(checkRequest(loopback, req(), at())).toEqual({ ok: true });
    expect(checkRequest(loopback, req({ host: 'localhost:3000', peer: '::ffff:127.0.0.1' }), at())).toEqual({ ok: true });
  });

  it('refuses another machine, and a rebound host name, without a token', () => {
    expect(checkRequest(loopback, req({ peer: '10.0.0.7' }), at())).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest(loopback, req({ host: 'evil.example:3000' }), at())).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a POST that is not JSON, or that comes from another site', () => {
    expect(checkRequest(loopback, req({ method: 'POST', headers: { 'content-type': 'text/plain' } }), at('/console/act'))).toMatchObject({ ok: false, status: 415 });
    expect(checkRequest(loopback, req({ method: 'POST', headers: { origin: 'https://evil.example' } }), at('/console/act'))).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest(loopback, req({ method: 'POST', headers: { origin: 'http://127.0.0.1:3000' } }), at('/console/act'))).toEqual({ ok: true });
  });

  it('with a token, lets in only requests that carry it: bearer, cookie, or ?token= once (which sets the cookie)', () => {
    const remote = { host: 'bot.internal:3000', peer: '10.0.0.7' };
    expect(checkRequest(shared, req(remote), at())).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(shared, req({ ...remote, headers: { authorization: 'Bearer wrong-token-of-some-length' } }), at())).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(shared, req({ ...remote, headers: { authorization: `Bearer ${TOKEN}` } }), at())).toEqual({ ok: true });
    expect(checkRequest(shared, req({ ...remote, headers: { cookie: `other=1; console_token=${TOKEN}` } }), at())).toEqual({ ok: true });
    const first = checkRequest(shared, req(remote), at(`/?room=general&token=${TOKEN}`));
    expect(first).toMatchObject({ ok: 'redirect', location: '/?room=general' });
    expect(first.ok === 'redirect' && first.setCookie).toMatch(/^console_token=.+; HttpOnly; SameSite=Strict; Path=\/$/);
  });
});
