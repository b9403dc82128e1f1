// Socket Mode readiness, end to end: the bot's events come only over Slack's websocket, so /readyz
// answers 503 until Slack's `hello` has arrived, again while it reconnects after Slack's routine
// `disconnect`, and 200 once it is connected.
import { afterEach, expect, it } from 'vitest';
import { FakeSocketMode } from '../fakes/socket-mode.js';
import { until } from '../fakes/json-server.js';
import { freePort, startTestBot, type TestBot } from '../support/bot.js';

let t: TestBot | undefined;
let socket: FakeSocketMode | undefined;
afterEach(async () => {
  await t?.stop();
  await socket?.stop();
  t = socket = undefined;
});

it('is ready only while the Socket Mode websocket is connected', async () => {
  socket = await new FakeSocketMode().start();
  socket.greeting = false;
  const port = await freePort();
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const notReady = { status: 503, body: { ready: false, slack: 'socket mode disconnected' } };
  const starting = startTestBot({ socketModeUrl: socket.url, port });
  starting.catch(() => {});

  // Before the first connection: the server answers (once its fresh database is up), Slack is not connected yet.
  await until(async () => expect(await readyz()).toEqual(notReady), 60_000);
  // Connected to the websocket, but Slack has not said hello: still not connected.
  await until(() => expect(socket!.sockets).toHaveLength(1), 10_000);
  expect(await readyz()).toEqual(notReady);
  socket.greet();
  t = await starting;
  expect(await readyz()).toEqual({ status: 200, body: { ready: true } });

  // Slack's routine disconnect: not ready while the bot reconnects, ready again once greeted.
  socket.greeting = false;
  socket.disconnect();
  await until(async () => expect(await readyz()).toEqual(notReady), 10_000);
  await until(() => expect(socket!.sockets).toHaveLength(2), 15_000);
  expect(await readyz()).toEqual(notReady);
  socket.greet();
  await until(async () => expect(await readyz()).toEqual({ status: 200, body: { ready: true } }), 10_000);
  // A fresh database and the client's own 5 s before it reconnects, on a shared machine.
}, 120_000);
