// The §9.1 postmortem packet, the §9.2 corrective actions and the §7.2 external-update gate, on the
// in-memory repository with the real runbook content and a clock that only moves when told.
//
// The packet is rendered from a fixed timeline (declare, roles, a severity change, an update, checklist
// ticks, the Orgo Case, resolve, sections, corrective actions) and compared byte for byte with
// test/unit/golden/postmortem-packet.md. After a deliberate change to the packet's layout, rewrite the
// golden file with `UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/unit/postmortem-packet.test.ts`
// and read the diff before committing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { coreFixture } from '../support/core.js';
import { FOLLOWUP_JOB, MINUTE, POSTMORTEM_OVERDUE_JOB, POSTMORTEM_REMINDER_JOB } from '../../src/core/cadence/rules.js';
import { CadenceService } from '../../src/core/cadence/service.js';
import { ChecklistService } from '../../src/core/checklists/service.js';
import { DomainError, ErrorCode } from '../../src/core/errors.js';
import { LifecycleService } from '../../src/core/incidents/lifecycle.js';
import type { IncidentState, PostmortemFields, Severity, Workspace } from '../../src/core/incidents/model.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import type { PeopleDirectory, TimelineEvent } from '../../src/core/ports.js';
import { describeEvent, packetComplete, packetGaps, renderPacket } from '../../src/core/postmortem/packet.js';
import { PostmortemService } from '../../src/core/postmortem/service.js';
import { loadContent } from '../../src/core/runbook/content.js';
import type { ReminderView } from '../../src/core/views/cadence.js';
import type { UpdateFields } from '../../src/core/views/cadence.js';
import { createLogger } from '../../src/log.js';
import { Scheduler, type ReminderPoster } from '../../src/scheduler/scheduler.js';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden', 'postmortem-packet.md');

const content = loadContent();
const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 60 * MINUTE;
const at = (minutes: number, seconds = 0) => new Date(START.getTime() + minutes * MINUTE + seconds * 1000);

const REPORTER = 'U_REPORTER';
const IC = 'U_IC';
const OPS = 'U_OPS';
const ORGO = 'U_ORGO';
const BOB = 'U_BOB';
const CASE = 'https://orgo.example/cases/9';

const RECOVERY = content.runbook.recovery.sections.flatMap((s) => s.items);
/** The §8 steps ticked by hand; the last one is settled by recording the Orgo Case. */
const BY_HAND = RECOVERY.filter((i) => i.settledBy !== 'orgo-case').map((i) => i.id);
const textOf = (id: string) => [...content.runbook.triage.sections, ...content.runbook.recovery.sections].flatMap((s) => s.items).find((i) => i.id === id)!.text;

/** Display names as Slack's users.info would give them. */
const NAMES = new Map([
  [REPORTER, 'Rita Reporter'],
  [IC, 'Ines Commander'],
  [OPS, 'Omar Ops'],
  [ORGO, 'Olga Orgo'],
]);
const directory: PeopleDirectory = { displayNames: async (_ws, ids) => new Map(ids.flatMap((id) => (NAMES.has(id) ? [[id, NAMES.get(id)!] as const] : []))) };
const named = (id: string) => `${NAMES.get(id)} (${id})`;
/** The rows of a Markdown table under a heading, without its head and separator rows. */
const tableRows = (md: string, heading: string) => {
  const part = md.slice(md.indexOf(`## ${heading}\n`));
  return part.split('\n').filter((l) => l.startsWith('| ')).slice(1).filter((l) => !l.startsWith('| ---'));
};
const SCOPE_IDS = content.runbook.triage.sections.find((s) => s.id === 'identify-scope')!.items.map((i) => i.id);
const SECTION_TITLES = ['Root cause: technical', 'Root cause: process', 'What worked', "What didn't"];

let repo: MemoryIncidentRepository;
let clock: TestClock;
let incidents: IncidentService;
let checklists: ChecklistService;
let cadence: CadenceService;
let lifecycle: LifecycleService;
let postmortems: PostmortemService;
let ws: Workspace;

beforeEach(async () => {
  ({ repo, clock, incidents, checklists, cadence, lifecycle, postmortems, ws } = await coreFixture(START));
});

/** Moves the test clock forward to an absolute time. */
function setTime(when: Date) {
  const delta = when.getTime() - clock.now().getTime();
  if (delta < 0) throw new Error(`setTime: ${when.toISOString()} is in the past`);
  clock.advance(delta);
}

let rooms = 0;
type Declared = { id: string; roomId: string };

async function declare(severity: Severity = 'SEV2', opts: { tenants?: string[] } = {}): Promise<Declared> {
  const n = ++rooms;
  const { state } = await incidents.declare(ws, REPORTER, `V_${n}`, 'C_GENERAL', {
    title: `Incident ${n}`,
    severity,
    areas: ['distribution_activation'],
    tenants: opts.tenants ?? ['acme'],
    commander: IC,
  });
  const roomId = `C_INC${n}`;
  await incidents.attachRoom(ws, state.incident.id, { id: roomId, name: `inc-${n}` });
  return { id: state.incident.id, roomId };
}

const current = async (d: Declared) => (await repo.findById(ws, d.id))!;
const events = async (d: Declared, type?: string) => (await repo.timeline(ws, d.id)).filter((e) => type === undefined || e.type === type);
const act = (d: Declared, actor: string, verb: 'done' | 'skip' | 'na', itemId: string, reason?: string) =>
  checklists.act(ws, { incidentId: d.id, roomId: d.roomId }, actor, verb, itemId, reason);

async function resolve(d: Declared) {
  await checklists.attach(ws, d.id, IC, ['recovery']);
  for (const id of BY_HAND) await act(d, IC, 'done', id);
  await lifecycle.recordCase(ws, d.roomId, IC, CASE);
  return lifecycle.resolve(ws, d.roomId, IC);
}

const UPDATE: UpdateFields = {
  changed: 'Rolled stable back to the last-known-good pack.',
  impact: 'acme on prod-eu: activation failing for 3 channels.',
  mitigation: 'rollback',
  mitigationDetail: 'LKG pinned on stable',
  nextActions: 'Verify activation end to end.',
  owner: OPS,
};

const ALL_SECTIONS: PostmortemFields = {
  rootCauseTechnical: 'The pack was signed with the staging key.',
  rootCauseProcess: 'The publish gate did not compare key ids.',
  whatWorked: 'Rollback to LKG took four minutes.',
  whatDidNot: 'Nobody was paged for activation rejects.',
  rootCauseVerified: true,
};

/** The DomainError a use case fails with, whether it throws at once or rejects. */
async function rejection(run: () => Promise<unknown>): Promise<DomainError> {
  const [outcome] = await Promise.allSettled([Promise.resolve().then(run)]);
  if (outcome!.status === 'fulfilled') throw new Error(`expected a DomainError, got ${JSON.stringify(outcome!.value)}`);
  expect(outcome!.reason).toBeInstanceOf(DomainError);
  return outcome!.reason as DomainError;
}

// ---- the fixed timeline ------------------------------------------------------------------------

/**
 * One incident from declaration to a half-written postmortem, every step at a fixed time: the packet
 * rendered from it never changes unless the packet's layout does.
 */
async function fixedIncident(): Promise<{ d: Declared; state: IncidentState; timeline: TimelineEvent[]; generatedAt: Date }> {
  const { state: declared } = await incidents.declare(ws, REPORTER, 'V_GOLDEN', 'C_GENERAL', {
    title: 'Bad pack activated on stable',
    severity: 'SEV2',
    areas: ['distribution_activation', 'build_pipeline'],
    tenants: ['acme', 'globex'],
    channels: ['stable'],
    environments: ['prod-eu'],
    commander: IC,
  });
  const d = { id: declared.incident.id, roomId: 'C_INC_GOLDEN' };
  await incidents.attachRoom(ws, d.id, { id: d.roomId, name: 'inc-1-bad-pack' });
  setTime(at(4));
  await incidents.assignRole(ws, d.id, IC, 'ops', OPS);
  setTime(at(5));
  await incidents.takeRole(ws, { incidentId: d.id, roomId: d.roomId }, ORGO, 'orgo');
  for (const [n, id] of SCOPE_IDS.entries()) {
    setTime(at(8, 5 + 6 * n));
    await act(d, IC, 'done', id);
  }
  setTime(at(12));
  await incidents.changeSeverity(ws, d.id, IC, 'SEV1', 'every stable channel rejects the pack');
  setTime(at(20));
  await cadence.postUpdate(ws, d.roomId, IC, UPDATE);
  setTime(at(26));
  await lifecycle.mitigate(ws, d.roomId, IC);
  setTime(at(40));
  await checklists.attach(ws, d.id, IC, ['recovery']);
  const [impact, stable, e2e, monitoring] = BY_HAND;
  setTime(at(41));
  await act(d, IC, 'done', impact!);
  setTime(at(43));
  await act(d, OPS, 'done', stable!);
  setTime(at(45));
  await act(d, IC, 'skip', e2e!, 'render stage is not in use for acme');
  setTime(at(52));
  await act(d, IC, 'done', monitoring!);
  setTime(at(55));
  await lifecycle.recordCase(ws, d.roomId, ORGO, CASE);
  setTime(at(62));
  await lifecycle.resolve(ws, d.roomId, IC);
  // The next day: half the sections written, corrective actions with owners and deadlines, one done.
  setTime(new Date('2026-03-03T10:15:00.000Z'));
  await postmortems.saveSections(ws, d.roomId, IC, {
    rootCauseTechnical: 'The pack was signed with the staging key; consumers rejected it as they should.',
    rootCauseProcess: '',
    whatWorked: 'Rollback to the last-known-good pack took four minutes.\nThe triage checklist kept the scope clear.',
    whatDidNot: '   ',
    rootCauseVerified: false,
  });
  setTime(new Date('2026-03-03T10:30:00.000Z'));
  await postmortems.addFollowup(ws, d.roomId, IC, { title: 'Compare signing key ids at the publish gate | stable', owner: ORGO, dueOn: '2026-03-16' });
  await postmortems.addFollowup(ws, d.roomId, OPS, { title: 'Page on activation rejects', owner: OPS, dueOn: '2026-03-20' });
  setTime(new Date('2026-03-04T08:00:00.000Z'));
  await postmortems.doneFollowup(ws, d.roomId, OPS, 2);
  const generatedAt = setTimeAndReturn(new Date('2026-03-04T09:30:00.000Z'));
  const state = await current(d);
  return { d, state, timeline: await repo.timeline(ws, d.id), generatedAt };
}

const stableHead = (md: string) => md.replace(/SHA-256 `[0-9a-f]{64}`/, 'SHA-256 `<hash of the last event>`');

function setTimeAndReturn(when: Date) {
  setTime(when);
  return clock.now();
}

describe('the postmortem packet from a fixed timeline', () => {
  it('matches the golden file byte for byte', async () => {
    const { state, timeline, generatedAt } = await fixedIncident();
    // The chain head hashes the incident's random id: the golden file holds a placeholder for it.
    const markdown = stableHead(renderPacket(state, timeline, content, generatedAt, NAMES));
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, markdown);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: run with UPDATE_GOLDEN=1 once and read it`).toBe(true);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('PostmortemService.packet renders the same packet at the clock\'s time with the directory\'s names, marked incomplete', async () => {
    const { state } = await fixedIncident();
    const { markdown, complete } = await postmortems.packet(ws, state, directory);
    expect(complete).toBe(false);
    expect(stableHead(markdown)).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('has one timeline row per stored event, in order, each with its UTC time to the second and its actor by name and id', async () => {
    const { state, timeline, generatedAt } = await fixedIncident();
    const markdown = renderPacket(state, timeline, content, generatedAt, NAMES);
    const rows = tableRows(markdown, 'Timeline (UTC)');
    expect(rows).toHaveLength(timeline.length);
    expect(timeline.length).toBeGreaterThan(20);
    rows.forEach((row, n) => {
      const e = timeline[n]!;
      const time = e.occurredAt.toISOString().slice(0, 19).replace('T', ' ');
      expect(row.startsWith(`| ${time} | ${e.seq} | ${e.actor ? named(e.actor) : 'the bot'} | `), row).toBe(true);
    });
    // Events seconds apart keep distinct times, and steps appear by their runbook text, not their id.
    expect(new Set(rows.filter((r) => r.includes('Step done')).map((r) => r.split(' | ')[0])).size).toBe(SCOPE_IDS.length + 3);
    for (const id of [...SCOPE_IDS, ...BY_HAND]) {
      expect(markdown).toContain(textOf(id));
      expect(markdown).not.toContain(id);
    }
    expect(markdown).not.toContain('<@');
    // Every kind of event the incident went through is there.
    for (const type of ['incident.declared', 'incident.investigating', 'room.created', 'role.assigned', 'severity.changed', 'update.posted', 'incident.mitigated', 'checklist.attached', 'checklist.item.done', 'checklist.item.skipped', 'orgo_case.recorded', 'incident.resolved', 'postmortem.edited', 'followup.added', 'followup.done']) {
      expect(timeline.some((e) => e.type === type), type).toBe(true);
    }
  });

  it('writes the scope, what each incomplete part needs, the corrective actions, severity history, roles, updates and the chain head', async () => {
    const { state, timeline, generatedAt } = await fixedIncident();
    const md = renderPacket(state, timeline, content, generatedAt, NAMES);
    const section = (title: string) => {
      const start = md.indexOf(`## ${title}\n`);
      expect(start, title).toBeGreaterThanOrEqual(0);
      const end = md.indexOf('\n## ', start + 1);
      return md.slice(start, end === -1 ? undefined : end);
    };
    expect(md.startsWith('# Postmortem: incident #1, Bad pack activated on stable\n')).toBe(true);
    expect(md).toContain('- Resolved: 2026-03-02 10:02:00 UTC (after 62 min)');
    expect(md).toContain(`- Governed Orgo Case: ${CASE}`);
    expect(md).toContain('- Packet: incomplete (see Completeness)');
    expect(md).toContain(`- Timeline chain head: event #${timeline.at(-1)!.seq}, SHA-256 \`${timeline.at(-1)!.hash}\``);
    const complete = section('Completeness (§9.1)');
    expect(complete).toContain('- [x] Root cause: technical: written.');
    expect(complete).toContain('- [ ] Root cause: process: not written yet.');
    expect(complete).toContain("- [ ] What didn't: not written yet.");
    expect(complete).toContain('- [x] Corrective actions: 2, each with an owner and a deadline.');
    expect(section('Impact scope')).toContain('- Tenants: acme, globex\n- Channels: stable\n- Environments: prod-eu');
    expect(section('Root cause: process')).toContain('> **Incomplete:** not written yet.');
    expect(section("What didn't")).toContain('> **Incomplete:** not written yet.');
    expect(section('Root cause: technical')).not.toContain('Incomplete');
    expect(md).toContain('Root cause verified: no');
    const actions = section('Corrective actions');
    expect(actions).toContain(`| 1 | Compare signing key ids at the publish gate \\| stable | ${named(ORGO)} | 2026-03-16 | open |`);
    expect(actions).toContain(`| 2 | Page on activation rejects | ${named(OPS)} | 2026-03-20 | done 2026-03-04 08:00:00 UTC |`);
    expect(section('Severity history')).toContain('- 2026-03-02 09:00:00 UTC: declared at SEV2\n- 2026-03-02 09:12:00 UTC: Severity SEV2 → SEV1: every stable channel rejects the pack');
    const roles = section('Roles');
    expect(roles).toContain(`Incident Commander: ${named(IC)}`);
    expect(roles).toContain(named(OPS));
    expect(roles).toContain(named(ORGO));
    expect(section('Updates posted')).toContain(`- 2026-03-02 09:20:00 UTC by ${named(IC)}: Status update: ${UPDATE.changed} | impact: ${UPDATE.impact} | mitigation: rollback`);
  });

  it('shows a person the directory does not know by id alone', async () => {
    const { state, timeline, generatedAt } = await fixedIncident();
    const md = renderPacket(state, timeline, content, generatedAt, new Map([[IC, 'Ines Commander']]));
    expect(md).toContain(`Operations Lead: ${OPS}\n`);
    expect(md).toContain(`Incident Commander: ${named(IC)}`);
  });
});

describe('user text inside the packet\'s lists', () => {
  // KNOWN BUG (src/core/postmortem/packet.ts `renderPacket`): event descriptions are written as list
  // items verbatim, so a multi-line update (the update modal's fields are multi-line) starts new
  // lines in the packet: a "## …" line becomes a heading and a "- …" line a forged timeline entry.
  // Remove `.fails` once list items are kept to one line.
  it('keeps every event on one line, whatever the update text holds', async () => {
    const d = await declare();
    await cadence.postUpdate(ws, d.roomId, IC, { ...UPDATE, changed: 'Rolled back.\n## Root cause: technical\n- 2026-01-01 00:00 UTC · #99 · <@U_FORGED> · Resolved after 1 min' });
    const s = await current(d);
    const timeline = await repo.timeline(ws, d.id);
    const md = renderPacket(s, timeline, content, clock.now());
    expect(md.split('\n').filter((l) => l === '## Root cause: technical')).toHaveLength(1);
    expect(tableRows(md, 'Timeline (UTC)')).toHaveLength(timeline.length);
    expect(md).not.toContain('<@U_FORGED>');
  });
});

describe('describeEvent', () => {
  it('names the actor-facing facts of known events, steps by their text and people by name, and keeps the data of unknown ones', () => {
    const m = content.model;
    expect(describeEvent({ type: 'incident.resolved', actor: IC, data: { durationMs: 62 * MINUTE } }, content)).toBe('Resolved after 62 min');
    expect(describeEvent({ type: 'role.assigned', actor: IC, data: { role: 'ops', userId: OPS, previous: BOB } }, content, NAMES)).toBe(
      `${m.roles.ops.name}: ${named(OPS)} (was ${BOB})`,
    );
    expect(describeEvent({ type: 'checklist.item.skipped', actor: IC, data: { itemId: 'recovery.stable-state', reason: 'n/a' } }, content)).toBe(
      `Step skipped: “${textOf('recovery.stable-state')}” (§8) (reason: n/a)`,
    );
    expect(describeEvent({ type: 'something.new', actor: null, data: { a: 1 } }, content)).toBe('something.new {"a":1}');
  });
});

// ---- complete or not ---------------------------------------------------------------------------

describe('packetComplete', () => {
  async function resolvedWith(sections: PostmortemFields | null, followups: { title: string; owner: string; dueOn: string }[]) {
    const d = await declare();
    await resolve(d);
    if (sections) await postmortems.saveSections(ws, d.roomId, IC, sections);
    for (const f of followups) await postmortems.addFollowup(ws, d.roomId, IC, f);
    return current(d);
  }
  const ACTION = { title: 'Canary activation for stable', owner: OPS, dueOn: '2026-03-20' };

  it('is complete with all four sections written and every corrective action owned and dated', async () => {
    const s = await resolvedWith(ALL_SECTIONS, [ACTION, { ...ACTION, title: 'Pin the signing key', owner: ORGO }]);
    expect(packetGaps(s)).toEqual({ sections: [], followups: [] });
    expect(packetComplete(s)).toBe(true);
    expect((await postmortems.packet(ws, s)).complete).toBe(true);
    expect((await postmortems.packet(ws, s)).markdown).toContain('- Packet: complete\n');
    expect((await postmortems.packet(ws, s)).markdown).not.toContain('- [ ]');
  });

  it('is incomplete while any one section is empty or blank', async () => {
    for (const [key, title] of [
      ['rootCauseTechnical', 'Root cause: technical'],
      ['rootCauseProcess', 'Root cause: process'],
      ['whatWorked', 'What worked'],
      ['whatDidNot', "What didn't"],
    ] as const) {
      const s = await resolvedWith({ ...ALL_SECTIONS, [key]: ' \n ' }, [ACTION]);
      expect(packetGaps(s).sections, key).toEqual([title]);
      expect(packetComplete(s), key).toBe(false);
    }
    // Blank is empty, whatever the store kept.
    const stored = await resolvedWith(ALL_SECTIONS, [ACTION]);
    const blank: IncidentState = { ...stored, postmortem: { ...ALL_SECTIONS, whatWorked: ' \n\t ' } };
    expect(packetGaps(blank).sections).toEqual(['What worked']);
    expect(packetComplete(blank)).toBe(false);
    const none = await resolvedWith(null, [ACTION]);
    expect(packetGaps(none).sections).toEqual(SECTION_TITLES);
    expect(packetComplete(none)).toBe(false);
  });

  it('is incomplete while a corrective action lacks an owner or a deadline', async () => {
    const s = await resolvedWith(ALL_SECTIONS, [ACTION, ACTION, ACTION]);
    const lacking: IncidentState = {
      ...s,
      followups: s.followups.map((f) => (f.seq === 2 ? { ...f, owner: null } : f.seq === 3 ? { ...f, dueOn: null } : f)),
    };
    expect(packetGaps(lacking).followups).toEqual([2, 3]);
    expect(packetComplete(lacking)).toBe(false);
    const md = renderPacket(lacking, [], content, clock.now());
    expect(md).toContain('| 2 | Canary activation for stable | **missing** | 2026-03-20 | open |');
    expect(md).toContain(`| 3 | Canary activation for stable | ${OPS} | **missing** | open |`);
    expect(md).toContain('- Packet: incomplete');
    expect(md).toContain('- [ ] Corrective actions: #2, #3 lack an owner or a deadline.');
  });

  it('is incomplete with no corrective action at all', async () => {
    const s = await resolvedWith(ALL_SECTIONS, []);
    expect(packetComplete(s)).toBe(false);
    expect((await postmortems.packet(ws, s)).markdown).toContain('- [ ] Corrective actions: none recorded; add at least one, with an owner and a deadline (§9.2).');
  });
});

// ---- corrective actions --------------------------------------------------------------------------

describe('corrective actions', () => {
  it('are numbered, stored, in the timeline, and their owner is reminded at 09:00 UTC on the deadline day', async () => {
    const d = await declare();
    const { result: first } = await postmortems.addFollowup(ws, d.roomId, IC, { title: ' Canary activation ', owner: OPS, dueOn: '2026-03-20' });
    const { result: second } = await postmortems.addFollowup(ws, d.roomId, BOB, { title: 'Pin the key', owner: ORGO, dueOn: '2026-03-21' });
    expect([first, second]).toEqual([1, 2]);
    const s = await current(d);
    expect(s.followups.map((f) => [f.seq, f.title, f.owner, f.dueOn?.toISOString(), f.createdBy, f.doneAt])).toEqual([
      [1, 'Canary activation', OPS, '2026-03-20T00:00:00.000Z', IC, null],
      [2, 'Pin the key', ORGO, '2026-03-21T00:00:00.000Z', BOB, null],
    ]);
    expect((await events(d, 'followup.added')).map((e) => [e.actor, e.data])).toEqual([
      [IC, { seq: 1, title: 'Canary activation', owner: OPS, dueOn: '2026-03-20' }],
      [BOB, { seq: 2, title: 'Pin the key', owner: ORGO, dueOn: '2026-03-21' }],
    ]);
    const due = repo.jobRows.filter((j) => j.incidentId === d.id && j.kind === FOLLOWUP_JOB).map((j) => [j.dueAt.toISOString(), j.data]);
    expect(due).toEqual([
      ['2026-03-20T09:00:00.000Z', { seq: 1 }],
      ['2026-03-21T09:00:00.000Z', { seq: 2 }],
    ]);
  });

  it('refuses a missing title, owner or deadline, naming the field', async () => {
    const d = await declare();
    const good = { title: 'Canary activation', owner: OPS, dueOn: '2026-03-20' };
    for (const [field, bad] of [
      ['title', { ...good, title: ' x ' }],
      ['owner', { ...good, owner: '' }],
      ['dueOn', { ...good, dueOn: '' }],
      ['dueOn', { ...good, dueOn: '20/03/2026' }],
    ] as const) {
      const e = await rejection(() => postmortems.addFollowup(ws, d.roomId, IC, bad));
      expect(e.code, field).toBe(ErrorCode.InvalidInput);
      expect(e.field, field).toBe(field);
    }
    expect((await current(d)).followups).toEqual([]);
  });

  it('done is recorded once, with who and when; an unknown number is refused', async () => {
    const d = await declare();
    await postmortems.addFollowup(ws, d.roomId, IC, { title: 'Canary activation', owner: OPS, dueOn: '2026-03-20' });
    const doneAt = clock.advance(HOUR);
    expect((await postmortems.doneFollowup(ws, d.roomId, OPS, 1)).changed).toBe(true);
    expect((await postmortems.doneFollowup(ws, d.roomId, IC, 1)).changed).toBe(false);
    const [f] = (await current(d)).followups;
    expect([f!.doneAt, f!.doneBy]).toEqual([doneAt, OPS]);
    expect((await events(d, 'followup.done')).map((e) => [e.actor, e.data])).toEqual([[OPS, { seq: 1 }]]);
    const e = await rejection(() => postmortems.doneFollowup(ws, d.roomId, IC, 7));
    expect(e.message).toContain('no corrective action #7');
  });
});

// ---- reminders through the scheduler -----------------------------------------------------------

describe('postmortem and corrective-action reminders', () => {
  type Posted = { view: ReminderView; at: Date };
  let posted: Posted[];
  let scheduler: Scheduler;
  const WATCHED = new Set(['postmortem', 'followup']);

  beforeEach(() => {
    posted = [];
    const poster: ReminderPoster = { post: async (_ws, _s, view) => void (WATCHED.has(view.kind) && posted.push({ view, at: clock.now() })) };
    scheduler = new Scheduler({ repo, cadence, poster, clock, log: createLogger('silent'), leaseMs: 60_000 });
  });

  /** Ticks every `stepMinutes` until `until`, as the cron would (in coarser steps). */
  async function runUntil(until: Date, stepMinutes = 30) {
    while (clock.now().getTime() + stepMinutes * MINUTE <= until.getTime()) {
      clock.advance(stepMinutes * MINUTE);
      await scheduler.tick();
    }
    setTime(until);
    await scheduler.tick();
  }

  const pm = () =>
    posted
      .filter((p) => p.view.kind === 'postmortem')
      .map((p) => {
        const v = p.view as Extract<ReminderView, { kind: 'postmortem' }>;
        return { at: p.at.toISOString(), hours: v.hours, overdue: v.overdue, mention: v.mention, missing: v.missing };
      });

  it('reminds the IC at 24 h and 48 h while sections are empty, and says overdue at 72 h', async () => {
    const d = await declare();
    clock.advance(10 * MINUTE);
    const { state } = await resolve(d);
    const r = state.incident.resolvedAt!;
    const plus = (h: number) => new Date(r.getTime() + h * HOUR);
    const missing = [...SECTION_TITLES, 'corrective actions'];
    await runUntil(plus(24), 60);
    // Just before 24 h: nothing; at 24 h: the first reminder.
    expect(pm().map((p) => p.at)).toEqual([plus(24).toISOString()]);
    await runUntil(plus(80), 60);
    expect(pm()).toEqual([
      { at: plus(24).toISOString(), hours: 24, overdue: false, mention: IC, missing },
      { at: plus(48).toISOString(), hours: 48, overdue: false, mention: IC, missing },
      { at: plus(72).toISOString(), hours: 72, overdue: true, mention: IC, missing },
    ]);
    const outcomes = repo.jobRows.filter((j) => j.incidentId === d.id && [POSTMORTEM_REMINDER_JOB, POSTMORTEM_OVERDUE_JOB].includes(j.kind)).map((j) => j.outcome);
    expect(outcomes).toEqual(['posted', 'posted', 'posted']);
  });

  it('names only what is still missing', async () => {
    const d = await declare();
    const { state } = await resolve(d);
    const r = state.incident.resolvedAt!;
    await postmortems.saveSections(ws, d.roomId, IC, { ...ALL_SECTIONS, whatDidNot: '' });
    await postmortems.addFollowup(ws, d.roomId, IC, { title: 'Canary activation', owner: OPS, dueOn: '2026-03-20' });
    await runUntil(new Date(r.getTime() + 24 * HOUR), 60);
    expect(pm().map((p) => p.missing)).toEqual([["What didn't"]]);
  });

  it('posts nothing once the packet is complete, and records the jobs as complete', async () => {
    const d = await declare();
    const { state } = await resolve(d);
    const r = state.incident.resolvedAt!;
    await runUntil(new Date(r.getTime() + 30 * HOUR), 60);
    expect(pm().map((p) => p.hours)).toEqual([24]);
    await postmortems.saveSections(ws, d.roomId, IC, ALL_SECTIONS);
    await postmortems.addFollowup(ws, d.roomId, IC, { title: 'Canary activation', owner: OPS, dueOn: '2026-04-20' });
    await runUntil(new Date(r.getTime() + 80 * HOUR), 60);
    expect(pm().map((p) => p.hours)).toEqual([24]);
    const rows = repo.jobRows.filter((j) => j.incidentId === d.id && [POSTMORTEM_REMINDER_JOB, POSTMORTEM_OVERDUE_JOB].includes(j.kind));
    expect(rows.map((j) => [j.data.hours, j.outcome])).toEqual([
      [24, 'posted'],
      [48, 'complete'],
      [72, 'complete'],
    ]);
  });

  it('plan() stays quiet for a postmortem job of an incident that is open again', async () => {
    const d = await declare();
    const { state } = await resolve(d);
    const [job] = repo.jobRows.filter((j) => j.incidentId === d.id && j.kind === POSTMORTEM_REMINDER_JOB);
    const reopened: IncidentState = { ...state, incident: { ...state.incident, status: 'investigating' } };
    const claimed = { id: job!.id, ws, incidentId: d.id, kind: job!.kind, dueAt: job!.dueAt, data: job!.data };
    expect(cadence.plan(reopened, claimed, job!.dueAt).view).toBeNull();
    expect(cadence.plan(state, claimed, job!.dueAt).view?.kind).toBe('postmortem');
  });

  it('reminds a corrective action\'s owner on its deadline day, and not once it is done', async () => {
    const d = await declare();
    await postmortems.addFollowup(ws, d.roomId, IC, { title: 'Canary activation', owner: OPS, dueOn: '2026-03-04' });
    await postmortems.addFollowup(ws, d.roomId, IC, { title: 'Pin the key', owner: ORGO, dueOn: '2026-03-04' });
    await postmortems.doneFollowup(ws, d.roomId, ORGO, 2);
    await runUntil(new Date('2026-03-04T08:59:00.000Z'), 60);
    expect(posted).toEqual([]);
    await runUntil(new Date('2026-03-04T09:00:00.000Z'));
    const { incident } = await current(d);
    expect(posted.map((p) => [p.at.toISOString(), p.view])).toEqual([
      ['2026-03-04T09:00:00.000Z', { kind: 'followup', incidentId: d.id, number: incident.number, title: incident.title, mention: OPS, seq: 1, action: 'Canary activation' }],
    ]);
    const outcomes = repo.jobRows.filter((j) => j.incidentId === d.id && j.kind === FOLLOWUP_JOB).map((j) => [j.data.seq, j.outcome]);
    expect(outcomes).toEqual([
      [1, 'posted'],
      [2, 'done-already'],
    ]);
  });
});

// ---- §7.2 external updates ---------------------------------------------------------------------

describe('external update drafts (§7.2)', () => {
  const WORDS = { customerImpact: 'Some acme dashboards showed stale data for 40 minutes.', nextSteps: 'We are verifying every channel and will update by 14:00 UTC.' };

  async function ready(): Promise<Declared> {
    const d = await declare('SEV2', { tenants: ['acme', 'globex'] });
    for (const id of SCOPE_IDS) await act(d, IC, 'done', id);
    await cadence.postUpdate(ws, d.roomId, IC, UPDATE);
    return d;
  }

  it('is refused on a fresh incident, naming all four missing conditions, and records nothing', async () => {
    const d = await declare();
    const e = await rejection(() => postmortems.draftExternal(ws, d.roomId, IC, { customerImpact: '', nextSteps: ' ' }));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    expect(e.message).toContain('§7.2');
    expect(e.message).toContain('the scope is not confirmed');
    expect(e.message).toContain('no mitigation path exists yet');
    expect(e.message).toContain('the customer impact is not written');
    expect(e.message).toContain('the next steps are not written');
    expect(await events(d, 'external.drafted')).toEqual([]);
  });

  it('needs every §5.2 scope step done: skipped does not confirm the scope', async () => {
    const d = await declare();
    const [first, ...rest] = SCOPE_IDS;
    for (const id of rest) await act(d, IC, 'done', id);
    await act(d, IC, 'skip', first!, 'later');
    await lifecycle.mitigate(ws, d.roomId, IC);
    const e = await rejection(() => postmortems.draftExternal(ws, d.roomId, IC, WORDS));
    expect(e.message).toContain('the scope is not confirmed');
    expect(e.message).not.toContain('mitigation');
    expect(e.message).not.toContain('customer impact');
  });

  it('needs a mitigation path: an update whose mitigation is not "none", or the mitigated status', async () => {
    const d = await declare();
    for (const id of SCOPE_IDS) await act(d, IC, 'done', id);
    await cadence.postUpdate(ws, d.roomId, IC, { ...UPDATE, mitigation: 'none' });
    const e = await rejection(() => postmortems.draftExternal(ws, d.roomId, IC, WORDS));
    expect(e.message).toContain('no mitigation path exists yet');
    expect(e.message).not.toContain('scope');
    await cadence.postUpdate(ws, d.roomId, IC, { ...UPDATE, mitigation: 'quarantine' });
    await expect(postmortems.draftExternal(ws, d.roomId, IC, WORDS)).resolves.toMatchObject({ warnings: [] });

    const m = await declare();
    for (const id of SCOPE_IDS) await act(m, IC, 'done', id);
    await rejection(() => postmortems.draftExternal(ws, m.roomId, IC, WORDS));
    await lifecycle.mitigate(ws, m.roomId, IC);
    await expect(postmortems.draftExternal(ws, m.roomId, IC, WORDS)).resolves.toMatchObject({ warnings: [] });
  });

  it('needs the customer impact and the next steps written', async () => {
    const d = await ready();
    const noImpact = await rejection(() => postmortems.draftExternal(ws, d.roomId, IC, { ...WORDS, customerImpact: '  ' }));
    expect(noImpact.message).toContain('the customer impact is not written');
    expect(noImpact.message).not.toContain('next steps');
    const noSteps = await rejection(() => postmortems.draftExternal(ws, d.roomId, IC, { ...WORDS, nextSteps: '' }));
    expect(noSteps.message).toContain('the next steps are not written');
    expect(noSteps.message).not.toContain('customer impact');
  });

  it('once allowed, drafts the update from the scope and the words given, and records it', async () => {
    const d = await ready();
    const { draft, warnings } = await postmortems.draftExternal(ws, d.roomId, OPS, WORDS);
    expect(warnings).toEqual([]);
    expect(draft).toBe(`We are responding to an incident affecting acme, globex.\n\nImpact: ${WORDS.customerImpact}\n\nNext steps: ${WORDS.nextSteps}`);
    expect((await events(d, 'external.drafted')).map((e) => [e.actor, e.data])).toEqual([[OPS, { draft, warnings: [] }]]);
  });

  it('warns on root-cause wording until the root cause is marked verified', async () => {
    const d = await ready();
    for (const words of [
      { ...WORDS, customerImpact: 'Stale dashboards, caused by a bad pack.' },
      { ...WORDS, nextSteps: 'We will publish the root cause tomorrow.' },
    ]) {
      const { warnings } = await postmortems.draftExternal(ws, d.roomId, IC, words);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('root cause is not verified');
      expect(warnings[0]).toContain('§7.2');
    }
    await postmortems.saveSections(ws, d.roomId, IC, { ...ALL_SECTIONS, rootCauseVerified: true });
    const { warnings } = await postmortems.draftExternal(ws, d.roomId, IC, { ...WORDS, customerImpact: 'Stale dashboards, caused by a bad pack.' });
    expect(warnings).toEqual([]);
    expect((await events(d, 'external.drafted')).map((e) => (e.data as { warnings: string[] }).warnings.length)).toEqual([1, 1, 0]);
  });
});
