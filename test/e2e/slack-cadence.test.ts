// §7.1 status updates over signed HTTP, as Slack sends them: the scheduler's reminders in the
// incident channel, `/incident update` and the update modal round trip resetting the due time, the
// snooze, the escalation to the commanders' channel and a severity change that makes a reminder due
// at once. The bot's clock is shifted and its scheduler ticked by the test; nothing ticks on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utc } from '../../src/core/views/text.js';
import { updateSubmission, type UpdateForm } from '../support/slack-forms.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait } from '../support/declared.js';
import type { Call } from '../fakes/slack-api.js';
import { buttonClick, commandBody, postSigned, type Actor } from '../support/slack-requests.js';

const MINUTE = 60_000;
const ESCALATION_CHANNEL = 'CCOMMANDERS';
const IC = 'UIC';
const OPS = 'UOPS';

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };
type Incident = { id: string; room: string; declaredAt: Date; number: number; header: string };

let t: TestBot;
let views = 0;
const general: Actor = { team: 'T1', user: IC, channel: 'CGENERAL' };
const inRoom = (room: string, user: string): Actor => ({ team: 'T1', user, channel: room });

beforeAll(async () => {
  t = await startTestBot({ escalationChannel: ESCALATION_CHANNEL });
});
afterAll(() => t.stop());

// ---- helpers ---------------------------------------------------------------------------------

/** Where the recorded Slack calls stand now; `since(mark)` returns the calls made after it. */
const mark = () => t.slack.calls.length;
const since = (from: number, method: string) => t.slack.calls.slice(from).filter((c) => c.method === method);
const postsIn = (from: number, channel: string) => since(from, 'chat.postMessage').filter((c) => c.body.channel === channel);
const actionIds = (c: Call) => ((c.body.blocks ?? []) as Block[]).flatMap((b) => (b.elements ?? []).map((e) => e.action_id));
/** Update reminders carry the snooze button; the triage reminder and everything else do not. */
const isUpdateReminder = (c: Call) => actionIds(c).includes('snooze_update');
const updateRemindersIn = (from: number, room: string) => postsIn(from, room).filter(isUpdateReminder);

/** Moves the bot's clock to `when` (the clock otherwise runs in real time). */
function advanceTo(when: Date) {
  const delta = when.getTime() - t.clock.now().getTime();
  expect(delta).toBeGreaterThanOrEqual(0);
  t.clock.advance(delta);
}
const after = (i: Incident, ms: number) => new Date(i.declaredAt.getTime() + ms);

const declare = (title: string, severity: string): Promise<Incident> =>
  declareAndWait(t, general, `VCAD${++views}`, { title, severity, areas: ['distribution_activation'], tenants: 'acme' });

async function command(who: Actor, text: string) {
  const res = await postSigned(t.eventsUrl, commandBody(who, text, t.responseUrl));
  expect(res.status).toBe(200);
  return res.body ? (res.json() as { response_type?: string; text: string }) : { text: '' };
}

const FORM: Required<UpdateForm> = {
  changed: 'Rolled stable back to the last-known-good pack.',
  impact: 'acme on prod-eu: activation failing for 3 channels.',
  mitigation: 'rollback',
  mitigationDetail: 'LKG pinned on stable',
  nextActions: 'Verify activation end to end.',
  owner: OPS,
};

const updateJobs = (incidentId: string) => t.db.job.findMany({ where: { incidentId, kind: 'update.reminder' }, orderBy: { createdAt: 'asc' } });
const pendingUpdateJobs = (incidentId: string) => t.db.job.findMany({ where: { incidentId, kind: 'update.reminder', doneAt: null } });
const events = (incidentId: string, type: string) => t.db.timelineEvent.findMany({ where: { incidentId, type }, orderBy: { seq: 'asc' } });

// ---- the round trip ----------------------------------------------------------------------------

describe('a SEV1 incident: reminder, update modal, snooze', () => {
  let a: Incident;
  beforeAll(async () => {
    a = await declare('Bad pack activated on stable', 'SEV1');
  });

  it('schedules the first reminder 15 minutes after the declaration, and posts none before', async () => {
    expect((await pendingUpdateJobs(a.id)).map((j) => j.dueAt)).toEqual([after(a, 15 * MINUTE)]);
    const m = mark();
    advanceTo(after(a, 14 * MINUTE + 50_000));
    await t.bot.scheduler.tick();
    // Only the §5 triage reminder (due at +10) so far.
    const posts = postsIn(m, a.room);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.text).toContain(`<@${IC}> Ten minutes into incident #${a.number}`);
    expect(posts.filter(isUpdateReminder)).toEqual([]);
  });

  it('at +15 min 1 s posts exactly one reminder in the channel, naming the IC, with Post update and Snooze', async () => {
    const m = mark();
    advanceTo(after(a, 15 * MINUTE + 1000));
    await t.bot.scheduler.tick();
    const posts = postsIn(m, a.room);
    expect(posts).toHaveLength(1);
    const [reminder] = posts;
    expect(reminder!.body.text).toContain(`<@${IC}> A status update on incident #${a.number} (SEV1) is due; no update has been posted yet.`);
    const buttons = ((reminder!.body.blocks as Block[]).find((b) => b.type === 'actions')?.elements ?? []).map((e) => [e.action_id, e.value]);
    expect(buttons).toEqual([
      ['open_update', a.id],
      ['snooze_update', a.id],
    ]);
    expect(since(m, 'chat.postMessage').filter((c) => c.body.channel === ESCALATION_CHANNEL)).toEqual([]);
    expect(await events(a.id, 'update.missed')).toHaveLength(1);
    expect((await pendingUpdateJobs(a.id)).map((j) => j.dueAt)).toEqual([after(a, 30 * MINUTE)]);
  });

  it('posts nothing more when the scheduler ticks again at once', async () => {
    const m = mark();
    await t.bot.scheduler.tick();
    await t.bot.scheduler.tick();
    expect(since(m, 'chat.postMessage')).toEqual([]);
    expect(await events(a.id, 'update.missed')).toHaveLength(1);
  });

  it('/incident update opens the update modal with the four §7.1 fields for this channel', async () => {
    const m = mark();
    const reply = await command(inRoom(a.room, IC), 'update');
    expect(reply.text).toBe('');
    const open = await t.slack.until(() => {
      const [call] = since(m, 'views.open');
      expect(call).toBeDefined();
      return call!;
    });
    const modal = open.body.view as { callback_id: string; private_metadata: string; blocks: { block_id: string; optional?: boolean; element: { type: string; options?: { value: string }[]; initial_user?: string } }[] };
    expect(modal.callback_id).toBe('post_update');
    expect(JSON.parse(modal.private_metadata)).toEqual({ roomId: a.room });
    expect(modal.blocks.map((b) => [b.block_id, b.element.type, b.optional ?? false])).toEqual([
      ['changed', 'plain_text_input', false],
      ['impact', 'plain_text_input', false],
      ['mitigation', 'static_select', false],
      ['mitigationDetail', 'plain_text_input', true],
      ['nextActions', 'plain_text_input', false],
      ['owner', 'users_select', false],
    ]);
    expect(modal.blocks[2]!.element.options!.map((o) => o.value)).toEqual(['freeze', 'rollback', 'quarantine', 'none']);
    expect(modal.blocks[5]!.element.initial_user).toBe(IC);
  });

  it("the reminder's Post update button opens the same modal", async () => {
    const m = mark();
    await postSigned(t.eventsUrl, buttonClick(inRoom(a.room, OPS), 'open_update', a.id, t.responseUrl));
    const open = await t.slack.until(() => {
      const [call] = since(m, 'views.open');
      expect(call).toBeDefined();
      return call!;
    });
    const modal = open.body.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe('post_update');
    expect(JSON.parse(modal.private_metadata)).toEqual({ roomId: a.room });
  });

  it.each([
    ['nextActions', { nextActions: undefined }],
    ['changed', { changed: '   ' }],
    ['mitigation', { mitigation: undefined }],
    ['owner', { owner: undefined }],
  ] as const)('answers a submission without %s with an error on that field, and writes nothing', async (field, over) => {
    const jobsBefore = await updateJobs(a.id);
    const m = mark();
    const res = await postSigned(t.eventsUrl, updateSubmission(inRoom(a.room, IC), a.room, { ...FORM, ...over }));
    expect(res.status).toBe(200);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([field]);
    expect(body.errors[field]).toMatch(/^:warning: /);
    expect(await events(a.id, 'update.posted')).toEqual([]);
    expect(await updateJobs(a.id)).toEqual(jobsBefore);
    await new Promise((r) => setTimeout(r, 100));
    expect(postsIn(m, a.room)).toEqual([]);
  });

  it('a submitted update is posted, stored in the timeline, shown on the header and moves the reminder to now + 15 min', async () => {
    const m = mark();
    const before = t.clock.now();
    const res = await postSigned(t.eventsUrl, updateSubmission(inRoom(a.room, IC), a.room, FORM));
    const afterSubmit = t.clock.now();
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const row = (await t.db.incident.findUnique({ where: { id: a.id } }))!;
    expect(row.updatesMissed).toBe(0);
    const postedAt = row.lastUpdateAt!;
    expect(postedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(postedAt.getTime()).toBeLessThanOrEqual(afterSubmit.getTime());
    const nextDue = new Date(postedAt.getTime() + 15 * MINUTE);

    const jobs = await updateJobs(a.id);
    expect(jobs.filter((j) => j.doneAt === null).map((j) => j.dueAt)).toEqual([nextDue]);
    expect(jobs.find((j) => j.dueAt.getTime() === after(a, 30 * MINUTE).getTime())).toMatchObject({ outcome: 'superseded' });

    const [posted] = await events(a.id, 'update.posted');
    expect(posted).toMatchObject({ actor: IC, data: { ...FORM } });

    const message = await t.slack.until(() => {
      const [call] = postsIn(m, a.room);
      expect(call).toBeDefined();
      return call!;
    });
    expect(message.body.text).toBe(`Update on incident #${a.number} (SEV1) from <@${IC}>`);
    const shown = JSON.stringify(message.body.blocks);
    for (const part of [`Update: #${a.number} Bad pack activated on stable`, FORM.changed, FORM.impact, 'rollback: LKG pinned on stable', FORM.nextActions, `owner <@${OPS}>`, `next update due ${utc(nextDue)}`]) {
      expect(shown).toContain(part);
    }

    const header = await t.slack.until(() => {
      const call = since(m, 'chat.update').find((c) => c.body.channel === a.room && c.body.ts === a.header);
      expect(call).toBeDefined();
      return call!;
    });
    expect(JSON.stringify(header.body.blocks)).toContain(`Last update: ${utc(postedAt)} · Next due: ${utc(nextDue)}`);
  });

  it('the update silences reminders until 15 minutes after it; the next reminder says when it was posted', async () => {
    const row = (await t.db.incident.findUnique({ where: { id: a.id } }))!;
    const postedAt = row.lastUpdateAt!;
    let m = mark();
    advanceTo(new Date(postedAt.getTime() + 14 * MINUTE + 50_000));
    await t.bot.scheduler.tick();
    expect(updateRemindersIn(m, a.room)).toEqual([]);

    m = mark();
    advanceTo(new Date(postedAt.getTime() + 15 * MINUTE + 1000));
    await t.bot.scheduler.tick();
    const reminders = updateRemindersIn(m, a.room);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.body.text).toContain(`the last update was at ${utc(postedAt)}`);
    expect(reminders[0]!.body.text).not.toContain('reminder 2 in a row');
  });

  it('Snooze moves the reminder to now + 5 min, once: a second snooze is refused naming who snoozed', async () => {
    let m = mark();
    const before = t.clock.now();
    await postSigned(t.eventsUrl, buttonClick(inRoom(a.room, OPS), 'snooze_update', a.id, t.responseUrl));
    const afterClick = t.clock.now();
    const announced = await t.slack.until(() => {
      const [call] = postsIn(m, a.room);
      expect(call).toBeDefined();
      return call!;
    });
    expect(announced.body.text).toContain(`<@${OPS}> snoozed the update reminder until`);

    const [job] = await pendingUpdateJobs(a.id);
    expect(job!.data).toEqual({ snoozedBy: OPS });
    expect(job!.dueAt.getTime()).toBeGreaterThanOrEqual(before.getTime() + 5 * MINUTE);
    expect(job!.dueAt.getTime()).toBeLessThanOrEqual(afterClick.getTime() + 5 * MINUTE);
    const [snoozed] = await events(a.id, 'update.snoozed');
    expect(snoozed).toMatchObject({ actor: OPS, data: { until: job!.dueAt.toISOString() } });

    m = mark();
    await postSigned(t.eventsUrl, buttonClick(inRoom(a.room, IC), 'snooze_update', a.id, t.responseUrl));
    const refusal = await t.slack.until(() => {
      const [call] = since(m, 'chat.postEphemeral');
      expect(call).toBeDefined();
      return call!;
    });
    expect(refusal.body).toMatchObject({ channel: a.room, user: IC });
    expect(refusal.body.text).toContain(`already snoozed by <@${OPS}>`);
    expect(await pendingUpdateJobs(a.id)).toEqual([job]);
    expect(await events(a.id, 'update.snoozed')).toHaveLength(1);
    expect(postsIn(m, a.room)).toEqual([]);

    m = mark();
    advanceTo(new Date(job!.dueAt.getTime() - 1000));
    await t.bot.scheduler.tick();
    expect(updateRemindersIn(m, a.room)).toEqual([]);
    advanceTo(new Date(job!.dueAt.getTime() + 1000));
    await t.bot.scheduler.tick();
    expect(updateRemindersIn(m, a.room)).toHaveLength(1);
  });
});

// ---- escalation --------------------------------------------------------------------------------

describe('escalation', () => {
  it("the third reminder in a row without an update is also posted to the commanders' channel and recorded", async () => {
    const b = await declare('Verify rejects across tenants', 'SEV1');
    const escalationsFor = (from: number) => postsIn(from, ESCALATION_CHANNEL).filter((c) => String(c.body.text).includes(`<#${b.room}>`));
    const start = mark();
    for (const [n, minutes] of [15, 30, 45].entries()) {
      const m = mark();
      advanceTo(after(b, minutes * MINUTE + 1000));
      await t.bot.scheduler.tick();
      const reminders = updateRemindersIn(m, b.room);
      expect(reminders, `reminder ${n + 1}`).toHaveLength(1);
      expect(reminders[0]!.body.text).toContain(`<@${IC}>`);
      if (n < 2) {
        expect(escalationsFor(start)).toEqual([]);
        expect(reminders[0]!.body.text).not.toContain(':rotating_light:');
      }
    }
    // One more tick at the same instant: an escalation handed to a job of its own would go out now.
    await t.bot.scheduler.tick();
    expect(updateRemindersIn(start, b.room)).toHaveLength(3);
    const third = updateRemindersIn(start, b.room)[2]!;
    expect(third.body.text).toMatch(/^:rotating_light: <@UIC> A status update on incident #\d+ \(SEV1\) is due; .* This is reminder 3 in a row\.$/);
    const escalations = escalationsFor(start);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.body.text).toBe(
      `:rotating_light: Incident #${b.number} (SEV1) "Verify rejects across tenants" has missed 3 status updates in a row. IC: <@${IC}>. Channel: <#${b.room}>.`,
    );
    expect((await events(b.id, 'update.missed')).map((e) => (e.data as { missed: number }).missed)).toEqual([1, 2]);
    const escalated = await events(b.id, 'update.missed.escalated');
    expect(escalated.map((e) => e.data)).toEqual([{ missed: 3, dueAt: after(b, 45 * MINUTE).toISOString() }]);
    expect((await t.db.incident.findUnique({ where: { id: b.id } }))!.updatesMissed).toBe(3);
  });
});

// ---- severity change ---------------------------------------------------------------------------

describe('a severity change', () => {
  it('raising SEV2 to SEV1 forty minutes after the declaration makes the reminder due at once', async () => {
    const c = await declare('Activation failing for a subset', 'SEV2');
    expect((await pendingUpdateJobs(c.id)).map((j) => j.dueAt)).toEqual([after(c, 30 * MINUTE)]);

    let m = mark();
    advanceTo(after(c, 30 * MINUTE + 1000));
    await t.bot.scheduler.tick();
    const sev2 = updateRemindersIn(m, c.room);
    expect(sev2).toHaveLength(1);
    expect(sev2[0]!.body.text).toContain('(SEV2) is due');

    m = mark();
    advanceTo(after(c, 40 * MINUTE));
    await t.bot.scheduler.tick();
    expect(updateRemindersIn(m, c.room)).toEqual([]);
    expect((await pendingUpdateJobs(c.id)).map((j) => j.dueAt)).toEqual([after(c, 60 * MINUTE)]);

    const reply = await command(inRoom(c.room, IC), 'severity SEV1 spreading to more tenants');
    expect(reply.text).toBe('Done: severity is now SEV1.');
    const [due] = await pendingUpdateJobs(c.id);
    expect(due!.dueAt).toEqual(after(c, 15 * MINUTE));
    expect(due!.dueAt.getTime()).toBeLessThanOrEqual(t.clock.now().getTime());

    m = mark();
    await t.bot.scheduler.tick();
    const sev1 = updateRemindersIn(m, c.room);
    expect(sev1).toHaveLength(1);
    expect(sev1[0]!.body.text).toContain(`<@${IC}> A status update on incident #${c.number} (SEV1) is due`);
    // The next one is on the SEV1 grid after now: 15 + 2 × 15 minutes after the declaration.
    expect((await pendingUpdateJobs(c.id)).map((j) => j.dueAt)).toEqual([after(c, 45 * MINUTE)]);

    m = mark();
    await t.bot.scheduler.tick();
    expect(updateRemindersIn(m, c.room)).toEqual([]);
  });
});
