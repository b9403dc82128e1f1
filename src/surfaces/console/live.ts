// Live updates to connected pages over Server-Sent Events. Each page subscribes as one person; a
// private message reaches only that person's pages. Pages connected to other processes are not
// reached (the console is a single-process tool); a reload shows everything from the database.
import type { ServerResponse } from 'node:http';

export type LiveEvent =
  | { type: 'message'; roomId: string; id: string; kind: string; html: string; private: boolean }
  | { type: 'updated'; roomId: string; id: string; html: string }
  | { type: 'room'; roomId: string; name: string; topic: string }
  | { type: 'pins'; roomId: string; pinned: string[] };

type Subscriber = { person: string; res: ServerResponse };

/** Keeps proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private heartbeat: NodeJS.Timeout | null = null;

  subscribe(person: string, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    const sub = { person, res };
    this.subscribers.add(sub);
    res.on('close', () => this.subscribers.delete(sub));
    this.heartbeat ??= setInterval(() => this.subscribers.forEach((s) => s.res.write(': ping\n\n')), HEARTBEAT_MS).unref();
  }

  /** To every page, or only to `to`'s pages. */
  publish(event: LiveEvent, to: string | null = null): void {
    const frame = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const s of this.subscribers) if (to === null || s.person === to) s.res.write(frame);
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
  }
}
