// The application layer with no surface at all: an in-memory repository and chat port. What a room
// gets, in which order, and what a second delivery or a second replica does to it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { IncidentApp } from '../../src/app/app.js';
import type { ChatView } from '../../src/app/chat-port.js';
import type { Outcome } from '../../src/app/intent.js';
import type { Workspace } from '../../src/core/incidents/model.js';
import type { ChecklistView } from '../../src/core/views/checklist.js';
import { TestClock } from '../fakes/clock.js';
import { FakeChat } from '../fakes/chat-port.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';
import { buildApp } from '../support/app.js';

const IC = 'ic-ana';
const OPS = 'ops-bo';
let repo: MemoryIncidentRepository;
let clock: TestClock;
let chat: FakeChat;
let app: IncidentApp;
let ws: Workspace;
let keys = 0;
const asked = (actor: string, roomId: string | null, key = `k${++keys}`) => ({ ws, actor, roomId, key });
const settle = async (o: Outcome) => {
  await o.after?.();
  return o;
};
/** Waits for background work (the room set-up runs after the answer). */
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

async function declared(title = 'Bad pack on stable', origin: string | null = 'general') {
  const o = await settle(await app.declare({ ...asked(IC, origin), input: { title, severity: 'SEV2', areas: ['distribution_activation'], tenants: ['acme'] } }));
  const state = await repo.findById(ws, (o as { incidentId: string }).incidentId);
  // The announcement is the set-up's last step.
  await until(() => [...chat.messages.map((m) => m.view), ...chat.told.map((x) => x.view)].some((v) => v.kind === 'announcement'));
  return { id: state!.incident.id, room: chat.rooms.at(-1)!.id };
}

const checklistIn = (room: string) => chat.in(room).find((m) => m.view.kind === 'checklist')!;
const stepState = (room: string, itemId: string) =>
  (checklistIn(room).view as { view: ChecklistView }).view.sections.flatMap((s) => s.items).find((i) => i.id === itemId)!.state;

beforeEach(async () => {
  repo = new MemoryIncidentRepository();
  clock = new TestClock('2026-05-04T10:00:00.000Z');
  chat = new FakeChat();
  app = buildApp({ repo, clock, chats: { console: chat } });
  ws = await app.workspace('console', 'local');
});

describe('declare', () => {
  it('sets the room up in order: room, invites, pinned header, pinned triage, announcement where it was declared', async () => {
    const { room } = await declared();
    const kinds = chat.in(room).map((m) => m.view.kind);
    expect(kinds.slice(0, 2)).toEqual(['header', 'checklist']);
    const r = chat.rooms[0]!;
    expect([...r.members]).toEqual([IC]);
    expect([...r.pins]).toEqual(chat.in(room).slice(0, 2).map((m) => m.ref));
    const announced = chat.in('general').map((m) => m.view);
    expect(announced).toEqual([expect.objectContaining({ kind: 'announcement', roomId: room })]);
  });

  it('tells the declarer what failed and offers Retry, which finishes the set-up', async () => {
    chat.fail('openRoom', 'ratelimited');
    await settle(await app.declare({ ...asked(IC, null), input: { title: 'Rooms are down', severity: 'SEV3' } }));
    await until(() => chat.told.length > 0);
    const report = chat.told[0]!.view as Extract<ChatView, { kind: 'setup-report' }>;
    expect(report).toMatchObject({ kind: 'setup-report', retry: true, problems: [expect.objectContaining({ step: 'channel.create', detail: 'ratelimited' })] });
    const done = await app.retrySetup({ ...asked(IC, null), incidentId: report.incidentId });
    expect(done.reply).toEqual({ kind: 'text', text: ['Set-up finished: ', { room: 'R1' }, '.'] });
    expect(chat.in('R1').map((m) => m.view.kind).slice(0, 2)).toEqual(['header', 'checklist']);
  });
});

describe('a step', () => {
  it('repaints its checklist and the header (which shows checklist progress and the status), in place', async () => {
    const { id, room } = await declared();
    const header = chat.in(room)[0]!;
    await settle(await app.step({ ...asked(IC, room), incidentId: id, verb: 'done', itemId: 'triage.impacted-scope' }));
    expect(stepState(room, 'triage.impacted-scope')).toBe('done');
    expect(checklistIn(room).updates).toBe(1);
    expect(header.updates).toBe(1);
  });

  it('after a process died between posting the checklist and recording it, repaints that post rather than posting a second', async () => {
    // The set-up's checklist post reaches the room, and the process dies before it is recorded.
    const record = repo.recordPosted.bind(repo);
    let died = false;
    repo.recordPosted = async (...args: Parameters<typeof record>) => {
      if (args[2] !== 'checklist:triage' || died) return record(...args);
      died = true;
      throw new Error('process killed');
    };
    const { id, room } = await declared();
    expect(died).toBe(true);
    // Other changes move the incident on before a step's repaint finds the checklist unrecorded.
    await settle(await app.takeRole({ ...asked(OPS, room), incidentId: id, role: 'ops' }));
    await settle(await app.step({ ...asked(IC, room), incidentId: id, verb: 'done', itemId: 'triage.impacted-scope' }));
    expect(chat.in(room).filter((m) => m.view.kind === 'checklist')).toHaveLength(1);
    expect(stepState(room, 'triage.impacted-scope')).toBe('done');
  });

  it('changes nothing when the same delivery comes again, even after other clicks', async () => {
    const { id, room } = await declared();
    const step = { incidentId: id, itemId: 'triage.impacted-scope' };
    await settle(await app.step({ ...asked(IC, room, 'done-1'), ...step, verb: 'done' }));
    await settle(await app.step({ ...asked(IC, room, 'undo-1'), ...step, verb: 'undo' }));
    await settle(await app.step({ ...asked(IC, room, 'done-2'), ...step, verb: 'done' }));
    await settle(await app.step({ ...asked(IC, room, 'undo-1'), ...step, verb: 'undo' }));
    expect(stepState(room, 'triage.impacted-scope')).toBe('done');
    expect((await repo.timeline(ws, id)).filter((e) => e.type === 'checklist.item.undone')).toHaveLength(1);
  });

  it('across two replicas, a slow older repaint never ends on screen after a newer one', async () => {
    const { id, room } = await declared();
    const replica = buildApp({ repo, clock, chats: { console: chat } });
    chat.hold();
    const older = (await app.step({ ...asked(IC, room), incidentId: id, verb: 'done', itemId: 'triage.impacted-scope' })).after!();
    await until(() => chat.heldCount === 1);
    await settle(await replica.step({ ...asked(IC, room), incidentId: id, verb: 'done', itemId: 'triage.failing-stage' }));
    chat.releaseHeld();
    await older;
    expect(stepState(room, 'triage.impacted-scope')).toBe('done');
    expect(stepState(room, 'triage.failing-stage')).toBe('done');
  });
});

describe('answers', () => {
  it('are structured text: people as parts, never one surface\'s markup', async () => {
    const { room } = await declared();
    const o = await app.assign({ ...asked(IC, room), role: 'ops', userId: OPS });
    expect(o.reply).toEqual({ kind: 'text', text: ['Done: ', { user: OPS }, ' is now Operations Lead.'] });
    await settle(o);
    const line = chat.in(room).at(-1)!.view;
    expect(JSON.stringify(line)).not.toMatch(/<@|<#|\/incident /);
  });
});

describe('a job that gave up', () => {
  it('is told in the room, with what failed and that it will not be retried', async () => {
    const { id, room } = await declared();
    const state = await repo.findById(ws, id);
    await app.jobs.dead({ id: 'j1', ws, incidentId: id, kind: 'update.escalation', dueAt: clock.now(), data: {}, attempts: 5, takenOver: false }, state!, 'not_in_channel');
    expect(chat.in(room).at(-1)!.view).toEqual({
      kind: 'text',
      text: [{ icon: 'failed' }, ' A scheduled ', { code: 'update.escalation' }, ' gave up after 5 attempts (not_in_channel). It will not be retried; do its work by hand.'],
    });
  });
});
