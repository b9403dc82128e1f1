// The console's chat port on a real database: rooms and messages survive a restart, a retried post
// finds its first message, an update sends only what changed, a private answer reaches one person,
// pins and files are kept, and one workspace never sees another's rooms.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';
import type { Workspace } from '../../src/core/incidents/model.js';
import { t } from '../../src/core/views/rich-text.js';
import { createDb, type Db } from '../../src/db/client.js';
import { ConsoleRepository } from '../../src/db/console-repository.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { ConsoleChat, GENERAL_ROOM, roomName } from '../../src/surfaces/console/console-chat.js';
import { LiveHub, type LiveEvent } from '../../src/surfaces/console/live.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let db: Db;
let ws: Workspace;
let other: Workspace;

/** A hub whose pages are recorded: what each person's page received. */
function recordingHub(people: string[]) {
  const hub = new LiveHub();
  const seen = new Map<string, LiveEvent[]>(people.map((p) => [p, []]));
  for (const p of people) {
    const res = {
      writeHead: () => res,
      write: (frame: string) => {
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (data) seen.get(p)!.push(JSON.parse(data) as LiveEvent);
        return true;
      },
      on: () => res,
      end: () => res,
    } as unknown as ServerResponse;
    hub.subscribe(p, res);
  }
  return { hub, seen };
}

const text = (s: string) => ({ kind: 'text' as const, text: t`${s}` });

beforeAll(async () => {
  database = await freshDatabase();
  db = createDb(database.url, database.poolSize);
  const incidents = new PrismaIncidentRepository(db, TEST_TIMELINE_KEY);
  ws = await incidents.workspace('console', 'local');
  other = await incidents.workspace('console', 'elsewhere');
});
afterAll(async () => {
  await db.$disconnect();
  await database.close();
});

describe('the console chat port', () => {
  it('opens an incident room once per number, named for its title, and keeps it across a restart', async () => {
    const { hub, seen } = recordingHub(['ic']);
    const chat = new ConsoleChat(new ConsoleRepository(db), hub);
    const spec = { number: 7, title: 'Signing key exposed!', private: false, originRoomId: 'general' };
    const first = await chat.openRoom(ws, spec);
    expect(first).toEqual({ id: 'inc-7', name: 'inc-7-signing-key-exposed' });
    expect(await chat.openRoom(ws, spec)).toEqual(first);
    expect(seen.get('ic')).toContainEqual({ type: 'room', roomId: 'inc-7', name: first.name, topic: '' });

    await chat.post(ws, 'inc-7', text('hello'));
    const restarted = new ConsoleRepository(db);
    expect((await restarted.rooms(ws)).map((r) => r.id)).toContain('inc-7');
    expect((await restarted.messages(ws, 'inc-7', 'ic')).map((m) => m.html)).toEqual(['<div class="text">hello</div>']);
    expect(await restarted.rooms(other)).toEqual([]);
    expect(roomName(3, '   ')).toBe('inc-3');
  });

  it('finds the first message when a post is retried with its key, and updates only what changed', async () => {
    const { hub, seen } = recordingHub(['ic']);
    const chat = new ConsoleChat(new ConsoleRepository(db), hub);
    await new ConsoleRepository(db).ensureRoom(ws, GENERAL_ROOM);
    const [a] = await chat.post(ws, 'general', text('once'), 'k-1');
    const [b] = await chat.post(ws, 'general', text('once'), 'k-1');
    expect(b).toEqual(a);
    expect(seen.get('ic')!.filter((e) => e.type === 'message')).toHaveLength(1);

    expect(await chat.update(ws, 'general', [a!], text('once'))).toEqual([a]);
    expect(seen.get('ic')!.filter((e) => e.type === 'updated')).toHaveLength(0);
    const [c] = await chat.update(ws, 'general', [a!], text('twice'));
    expect(c!.ref).toBe(a!.ref);
    expect(c!.digest).not.toBe(a!.digest);
    expect(seen.get('ic')!.filter((e) => e.type === 'updated')).toEqual([{ type: 'updated', roomId: 'general', id: a!.ref, html: '<div class="text">twice</div>' }]);
    await expect(chat.update(other, 'general', [c!], text('thrice'))).rejects.toMatchObject({ code: 'message_not_found' });
  });

  it('tells one person privately: only their pages receive it, only they see it after a reload', async () => {
    const { hub, seen } = recordingHub(['ic', 'guest']);
    const chat = new ConsoleChat(new ConsoleRepository(db), hub);
    await chat.tell(ws, { userId: 'guest', roomId: 'inc-7' }, text('<b>not for the IC</b>'));
    expect(seen.get('guest')!.at(-1)).toMatchObject({ type: 'message', roomId: 'inc-7', private: true, html: '<div class="text">&lt;b&gt;not for the IC&lt;/b&gt;</div>' });
    expect(seen.get('ic')).toEqual([]);
    const repo = new ConsoleRepository(db);
    expect((await repo.messages(ws, 'inc-7', 'guest')).some((m) => m.toUser === 'guest')).toBe(true);
    expect((await repo.messages(ws, 'inc-7', 'ic')).some((m) => m.toUser === 'guest')).toBe(false);
    // Without a room, or with a room that does not exist, the answer goes to "general".
    await chat.tell(ws, { userId: 'guest', roomId: null }, text('direct'));
    expect(seen.get('guest')!.at(-1)).toMatchObject({ roomId: 'general', private: true });
  });

  it('pins, sets the topic and attaches a file that downloads as written', async () => {
    const { hub, seen } = recordingHub(['ic']);
    const repo = new ConsoleRepository(db);
    const chat = new ConsoleChat(repo, hub);
    const [header] = await chat.post(ws, 'inc-7', text('header'));
    await chat.pin(ws, 'inc-7', header!.ref);
    await chat.setTopic(ws, 'inc-7', 'SEV1 · Signing key exposed');
    expect(await repo.room(ws, 'inc-7')).toMatchObject({ pinned: [header!.ref], topic: 'SEV1 · Signing key exposed' });
    await chat.unpin(ws, 'inc-7', header!.ref);
    expect((await repo.room(ws, 'inc-7'))!.pinned).toEqual([]);

    await chat.attachFile(ws, 'inc-7', { name: 'incident-7-postmortem.md', title: 'Postmortem packet: incident #7', content: '# Packet\n' });
    const link = /href="\/console\/files\/([0-9a-f-]+)"/.exec((seen.get('ic')!.at(-1) as { html: string }).html)![1]!;
    expect(await repo.file(ws, link)).toMatchObject({ name: 'incident-7-postmortem.md', content: '# Packet\n' });
    expect(await repo.file(other, link)).toBeNull();
    await expect(chat.post(ws, 'nowhere', text('x'))).rejects.toMatchObject({ code: 'room_not_found' });
  });
});
