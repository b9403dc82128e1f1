// A fake Slack Socket Mode endpoint on 127.0.0.1: the ws:// server that apps.connections.open
// points the bot at. It greets each connection with Slack's `hello` (or holds the greeting back,
// leaving the socket open but not yet connected for Slack) and can send Slack's routine `disconnect`.
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';

export class FakeSocketMode {
  readonly sockets: WebSocket[] = [];
  /** While false, new connections wait for `greet()` before their `hello`. */
  greeting = true;
  private waiting: WebSocket[] = [];
  private server?: WebSocket.Server;
  url = '';

  async start(): Promise<this> {
    const server = new WebSocket.Server({ port: 0, host: '127.0.0.1' });
    this.server = server;
    await new Promise((r) => server.once('listening', r));
    server.on('connection', (ws) => {
      this.sockets.push(ws);
      if (this.greeting) this.hello(ws);
      else this.waiting.push(ws);
    });
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Greets the connections held back, and every new one from now on. */
  greet(): void {
    this.greeting = true;
    for (const ws of this.waiting.splice(0)) this.hello(ws);
  }

  /** Slack's routine `disconnect` on the newest connection: the client is to reconnect. */
  disconnect(reason = 'refresh_requested'): void {
    this.sockets.at(-1)?.send(JSON.stringify({ type: 'disconnect', reason }));
  }

  stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private hello(ws: WebSocket) {
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1 }));
  }
}
