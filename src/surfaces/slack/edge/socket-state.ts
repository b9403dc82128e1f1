// Whether the Socket Mode websocket is connected, for /readyz: Slack's events arrive only over it,
// so a bot without it is up but cannot serve. Connected means Slack's `hello` arrived on a socket
// that is still open; every close, reconnect or disconnect clears it until the next `hello`.
import type { SocketModeReceiver } from '@slack/bolt';

type Client = SocketModeReceiver['client'];

export function socketConnection(client: Client): () => boolean {
  let greeted = false;
  client.on('connected', () => (greeted = true));
  for (const event of ['connecting', 'reconnecting', 'disconnecting', 'disconnected', 'close']) client.on(event, () => (greeted = false));
  return () => greeted && client.websocket?.isActive() === true;
}
