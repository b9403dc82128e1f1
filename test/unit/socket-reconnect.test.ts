// Socket Mode against a local ws server: Slack's routine `disconnect` arrives while the Web API is
// unreachable. @slack/socket-mode 3.1 would reject from its reconnect timer with no catch
// (slackapi/node-slack-sdk#2656), which ends the bot; contained, it keeps trying and reconnects.
import { SocketModeClient } from '@slack/socket-mode';
import { LogLevel } from '@slack/bolt';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { containReconnects } from '../../src/surfaces/slack/edge/socket-reconnect.js';
import { createLogger } from '../../src/log.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function eventually(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('survives a disconnect while the Web API is unreachable, and reconnects once it is back', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  cleanups.push(() => process.off('unhandledRejection', onUnhandled));

  const sockets: WebSocket[] = [];
  const wss = new WebSocket.Server({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1 }));
  });
  cleanups.push(() => new Promise((r) => wss.close(r)));
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;

  let reachable = true;
  let opens = 0;
  const api = http.createServer((req, res) => {
    req.resume().on('end', () => {
      opens += 1;
      if (!reachable) return res.writeHead(503).end('unavailable');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, url: wsUrl }));
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => api.close(r)));

  const client = new SocketModeClient({
    appToken: 'xapp-test',
    logLevel: LogLevel.ERROR,
    logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} },
    clientPingTimeout: 50,
    clientOptions: { slackApiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/`, retryConfig: { retries: 0 } },
  });
  await client.start();
  cleanups.push(() => client.disconnect());
  containReconnects(client, createLogger('silent'));

  reachable = false;
  sockets[0]!.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
  await eventually(() => opens >= 3, 'a reconnect attempt failed twice');
  reachable = true;
  await eventually(() => sockets.length === 2, 'a second connection');
  expect(unhandled).toEqual([]);
});
