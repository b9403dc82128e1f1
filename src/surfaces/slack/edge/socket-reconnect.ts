// @slack/socket-mode 3.1 reconnects after Slack's routine `disconnect` by calling start() again
// from a timer, with no catch (slackapi/node-slack-sdk#2656): when the Web API is unreachable at
// that moment, the rejection is unhandled and the process exits. Once connected, every later
// start() is such a reconnect; a failed one is logged and tried again, on the client's own delays.
import type { SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../../../log.js';

type Reconnecting = { start(): Promise<unknown>; delayReconnectAttempt(again: () => Promise<unknown>): Promise<unknown> };

export function containReconnects(client: SocketModeReceiver['client'], log: Logger): void {
  const c = client as unknown as Reconnecting;
  const start = c.start.bind(c);
  const reconnect = (): Promise<unknown> =>
    start().catch((err: unknown) => {
      log.warn({ err }, 'Socket Mode reconnect failed; trying again');
      return c.delayReconnectAttempt(reconnect);
    });
  c.start = reconnect;
}
