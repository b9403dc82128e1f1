// An in-memory chat port: rooms, messages and private answers as plain data, so application-layer
// tests run with no surface at all. `hold()` keeps the next update in flight until released, to
// play a slow chat API; `fail()` makes the next calls of a method throw as the platform would.
import { ChatError, type ChatPort, type ChatView, type MessageRef } from '../../src/app/chat-port.js';
import type { Platform, Workspace } from '../../src/core/incidents/model.js';

export type Message = { ref: string; roomId: string; view: ChatView; updates: number; key?: string };
export type Told = { userId: string; roomId: string | null; view: ChatView };

const digest = (view: ChatView) => JSON.stringify(view);

export class FakeChat implements ChatPort {
  readonly rooms: { id: string; name: string; members: Set<string>; topic: string; pins: Set<string> }[] = [];
  readonly messages: Message[] = [];
  readonly told: Told[] = [];
  readonly files: { roomId: string; name: string; content: string }[] = [];
  private seq = 0;
  private failures = new Map<string, string[]>();
  private held: { release: () => void }[] = [];
  private holdNext = 0;

  constructor(readonly platform: Platform = 'console') {}

  /** The next `times` calls of `method` fail with the platform code `code`. */
  fail(method: keyof ChatPort, code: string, times = 1) {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array<string>(times).fill(code)]);
  }

  /** The next update waits until `releaseHeld()`. */
  hold() {
    this.holdNext++;
  }

  releaseHeld() {
    for (const h of this.held.splice(0)) h.release();
  }

  get heldCount() {
    return this.held.length;
  }

  in(roomId: string): Message[] {
    return this.messages.filter((m) => m.roomId === roomId);
  }

  private check(method: string) {
    const code = this.failures.get(method)?.shift();
    if (code) throw new ChatError(code);
  }

  async openRoom(_ws: Workspace, spec: { number: number; title: string }) {
    this.check('openRoom');
    const room = { id: `R${this.rooms.length + 1}`, name: `inc-${spec.number}`, members: new Set<string>(), topic: '', pins: new Set<string>() };
    this.rooms.push(room);
    return { id: room.id, name: room.name };
  }

  async invite(_ws: Workspace, roomId: string, userIds: string[]) {
    this.check('invite');
    for (const u of userIds) this.rooms.find((r) => r.id === roomId)?.members.add(u);
  }

  /** A keyed post made before is found, brought up to date and answered with, as the Slack port does. */
  async post(_ws: Workspace, roomId: string, view: ChatView, key?: string): Promise<MessageRef[]> {
    this.check('post');
    const earlier = key ? this.messages.find((m) => m.roomId === roomId && m.key === key) : undefined;
    if (earlier) Object.assign(earlier, { view, updates: earlier.updates + 1 });
    const ref = earlier?.ref ?? `m${++this.seq}`;
    if (!earlier) this.messages.push({ ref, roomId, view, updates: 0, ...(key ? { key } : {}) });
    return [{ ref, digest: digest(view) }];
  }

  async update(_ws: Workspace, _roomId: string, refs: MessageRef[], view: ChatView): Promise<MessageRef[]> {
    this.check('update');
    if (this.holdNext > 0) {
      this.holdNext--;
      await new Promise<void>((release) => this.held.push({ release }));
    }
    return refs.map((r) => {
      const m = this.messages.find((x) => x.ref === r.ref);
      if (m && r.digest !== digest(view)) Object.assign(m, { view, updates: m.updates + 1 });
      return { ref: r.ref, digest: digest(view) };
    });
  }

  async tell(_ws: Workspace, to: { userId: string; roomId: string | null }, view: ChatView) {
    this.check('tell');
    this.told.push({ ...to, view });
  }

  async setTopic(_ws: Workspace, roomId: string, topic: string) {
    this.check('setTopic');
    const room = this.rooms.find((r) => r.id === roomId);
    if (room) room.topic = topic;
  }

  async pin(_ws: Workspace, roomId: string, ref: string) {
    this.rooms.find((r) => r.id === roomId)?.pins.add(ref);
  }

  async unpin(_ws: Workspace, roomId: string, ref: string) {
    this.rooms.find((r) => r.id === roomId)?.pins.delete(ref);
  }

  async attachFile(_ws: Workspace, roomId: string, file: { name: string; content: string }) {
    this.check('attachFile');
    this.files.push({ roomId, ...file });
  }
}
