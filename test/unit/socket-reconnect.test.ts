// Socket Mode against a local ws server: Slack's routine `disconnect` arrives while the Web API is
// unreachable. @slack/socket-mode 3.1 would reject from its reconnect timer with no catch
// (slackapi/node-slack-sdk#2656), which ends the bot; contained, it keeps trying and reconnects.
import { SocketModeClient } from '@slack/socket-mode';
import { LogLevel } from '@slack/bolt';
import { afterEach, expect, it } from 'vitest';
import { containReconnects } from '../../src/surfaces/slack/edge/socket-reconnect.js';
import { createLogger } from '../../src/log.js';
import { FakeSlackApi } from '../fakes/slack-api.js';
import { FakeSocketMode } from '../fakes/socket-mode.js';

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

  const socket = await new FakeSocketMode().start();
  cleanups.push(() => socket.stop());
  const api = await new FakeSlackApi().start();
  api.socketModeUrl = socket.url;
  cleanups.push(() => api.stop());
  const opens = () => api.called('apps.connections.open').length;

  const client = new SocketModeClient({
    appToken: 'xapp-test',
    logLevel: LogLevel.ERROR,
    logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} },
    clientPingTimeout: 50,
    clientOptions: { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } },
  });
  await client.start();
  cleanups.push(() => client.disconnect());
  containReconnects(client, createLogger('silent'));

  // The Web API is unreachable for the next two tries, then back.
  api.fail('apps.connections.open', { status: 503 }, 2);
  socket.disconnect();
  await eventually(() => socket.sockets.length === 2, 'a second connection');
  expect(opens()).toBe(4);
  expect(unhandled).toEqual([]);
});
