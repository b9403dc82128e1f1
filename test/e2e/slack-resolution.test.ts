// Taking an incident from declared to resolved to a postmortem packet over signed HTTP, as Slack
// sends it: `/incident resolve` refused with the open §8 steps, the recovery checklist ticked by the
// IC, the governed Orgo Case recorded, resolve accepted (header, topic, reminders stopped), the
// packet uploaded as a file, corrective actions through their modal, the open-incident list and a
// refused reopen. The bot's clock is shifted and its scheduler ticked by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import type { Call } from '../fakes/slack-api.js';
import { followupSubmission } from '../support/slack-forms.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait } from '../support/declared.js';
import { buttonClick, commandBody, postSigned, type Actor, viewSubmission } from '../support/slack-requests.js';

const MINUTE = 60_000;
const IC = 'UIC';
const OPS = 'UOPS';
const BOB = 'UBOB';
const CASE = 'https://orgo.example/cases/9';
const RECOVERY = loadContent().runbook.recovery.sections.flatMap((s) => s.items);
/** The §8 step that recording the Orgo Case settles; the others are ticked by hand. */
const CASE_STEP = RECOVERY.find((i) => i.settledBy === 'orgo-case')!;
const BY_HAND = RECOVERY.filter((i) => i !== CASE_STEP);

type Block = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[]; element?: Record<string, unknown> };
type Incident = { id: string; room: string; header: string; number: number; declaredAt: Date };
type Reply = { response_type?: string; text?: string };

let t: TestBot;
let views = 0;
const general: Actor = { team: 'T1', user: IC, channel: 'CGENERAL' };
const inRoom = (room: string, user: string): Actor => ({ team: 'T1', user, channel: room });

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

// ---- helpers ---------------------------------------------------------------------------------

const mark = () => t.slack.calls.length;
const since = (from: number, method?: string) => t.slack.calls.slice(from).filter((c) => method === undefined || c.method === method);
const postsIn = (from: number, channel: string) => since(from, 'chat.postMessage').filter((c) => c.body.channel === channel);
const actionIds = (c: Call) => ((c.body.blocks ?? []) as Block[]).flatMap((b) => (b.elements ?? []).map((e) => e.action_id));

const declare = (title: string, severity: string): Promise<Incident> =>
  declareAndWait(t, general, `VRES${++views}`, { title, severity, areas: ['distribution_activation'], tenants: 'acme' });

async function command(who: Actor, text: string): Promise<Reply> {
  const res = await postSigned(t.eventsUrl, commandBody(who, text, t.responseUrl));
  expect(res.status).toBe(200);
  return res.body ? (res.json() as Reply) : {};
}

const click = (who: Actor, actionId: string, value: string) => postSigned(t.eventsUrl, buttonClick(who, actionId, value, t.responseUrl));

/** A view_submission of the corrective-action modal, as Slack sends it. */

/**
 * What was POSTed to an upload URL. The fake parses every body as a form, so the raw bytes are put
 * back together from its keys and values (exact for the text checked here).
 */
function uploaded(c: Call): string {
  return Object.entries(c.body)
    .map(([k, v]) => (v === '' ? k : `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`))
    .join('&');
}

const incidentRow = (id: string) => t.db.incident.findUniqueOrThrow({ where: { id } });
const jobsOf = (incidentId: string, kind: string) => t.db.job.findMany({ where: { incidentId, kind }, orderBy: { dueAt: 'asc' } });
const events = (incidentId: string, type: string) => t.db.timelineEvent.findMany({ where: { incidentId, type }, orderBy: { seq: 'asc' } });

// ---- declared → resolved → postmortem ------------------------------------------------------------

describe('a SEV2 from declared to resolved to its postmortem packet', () => {
  let a: Incident;
  let b: Incident;
  beforeAll(async () => {
    a = await declare('Bad pack activated on stable', 'SEV2');
    b = await declare('Render trace failures for globex', 'SEV1');
    t.slack.users.set(IC, 'Ines Commander');
    t.slack.users.set(OPS, 'Omar Ops');
  });

  it('refuses /incident resolve while recovery is open, listing every §8 step, and changes nothing', async () => {
    const eventsBefore = await t.db.timelineEvent.count({ where: { incidentId: a.id } });
    const reply = await command(inRoom(a.room, IC), 'resolve');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Not resolved yet (runbook §8)');
    for (const item of RECOVERY) expect(reply.text).toContain(`• ${item.text}`);
    expect(reply.text).toContain('/incident case');
    expect(reply.text).toContain('/incident checklist recovery');
    const row = await incidentRow(a.id);
    expect(row.status).toBe('declared');
    expect(row.resolvedAt).toBeNull();
    expect(await t.db.timelineEvent.count({ where: { incidentId: a.id } })).toBe(eventsBefore);
    expect((await jobsOf(a.id, 'update.reminder')).filter((j) => j.doneAt === null)).toHaveLength(1);
  });

  it('posts the recovery checklist, and the IC ticks every step with its Done button', async () => {
    const m = mark();
    const reply = await command(inRoom(a.room, IC), 'checklist recovery');
    expect(reply.text).toContain('Recovery and validation');
    const message = await t.slack.until(() => {
      const posted = postsIn(m, a.room).find((c) => actionIds(c).includes(`item:done:${RECOVERY[0]!.id}`));
      expect(posted).toBeDefined();
      return posted!;
    });
    for (const item of BY_HAND) {
      expect(actionIds(message)).toContain(`item:done:${item.id}`);
      const res = await click(inRoom(a.room, IC), `item:done:${item.id}`, a.id);
      expect(res.status).toBe(200);
    }
    await t.slack.until(async () => {
      const rows = await t.db.checklistItem.findMany({ where: { incidentId: a.id, itemId: { in: RECOVERY.map((i) => i.id) } } });
      expect(rows.map((r) => [r.itemId, r.status, r.actor]).sort()).toEqual(BY_HAND.map((i) => [i.id, 'done', IC]).sort());
    });
    // Nobody was told no.
    expect(since(m, 'chat.postEphemeral')).toEqual([]);
  });

  it('answers Done on the Orgo Case step by asking for the link, and ticks nothing', async () => {
    const m = mark();
    await click(inRoom(a.room, IC), `item:done:${CASE_STEP.id}`, a.id);
    const told = await t.slack.until(() => {
      const e = since(m, 'chat.postEphemeral').find((c) => c.body.user === IC);
      expect(e).toBeDefined();
      return e!;
    });
    expect(String(told.body.text)).toContain('This step is ticked by recording the governed Orgo Case');
    expect(String(told.body.text)).toContain('case https://orgo.example/cases/123');
    expect(await t.db.checklistItem.findUnique({ where: { incidentId_itemId: { incidentId: a.id, itemId: CASE_STEP.id } } })).toBeNull();
  });

  it('still refuses without the governed Orgo Case, then records it with /incident case', async () => {
    const refused = await command(inRoom(a.room, IC), 'resolve');
    expect(refused.text).toContain('No governed Orgo Case is recorded');
    expect((refused.text ?? '').split('\n').filter((l) => l.startsWith('• '))).toEqual([`• ${CASE_STEP.text}`]);
    const m = mark();
    const reply = await command(inRoom(a.room, IC), `case ${CASE}`);
    expect(reply.text).toBe(`Done: Orgo Case recorded, and its §8 step is ticked: ${CASE_STEP.text}`);
    expect((await incidentRow(a.id)).orgoCaseUrl).toBe(CASE);
    // One event records the case and settles the step, by the same person.
    expect((await events(a.id, 'orgo_case.recorded')).map((e) => [e.actor, e.data])).toEqual([[IC, { url: CASE, checklistId: 'recovery', itemId: CASE_STEP.id }]]);
    expect((await events(a.id, 'checklist.item.done')).filter((e) => (e.data as { itemId: string }).itemId === CASE_STEP.id)).toEqual([]);
    expect(await t.db.checklistItem.findUnique({ where: { incidentId_itemId: { incidentId: a.id, itemId: CASE_STEP.id } } })).toMatchObject({ status: 'done', actor: IC });
    // The recovery message shows the step done, and the header the case.
    await t.slack.until(() => {
      const updates = since(m, 'chat.update').filter((c) => c.body.channel === a.room);
      expect(updates.some((c) => JSON.stringify(c.body.blocks).includes(`Done by <@${IC}>`) && JSON.stringify(c.body.blocks).includes(`item:undo:${CASE_STEP.id}`))).toBe(true);
      expect(updates.some((c) => c.body.ts === a.header && JSON.stringify(c.body.blocks).includes(CASE))).toBe(true);
    });
  });

  it('accepts /incident resolve: resolved in the database, header and topic say so, the update reminder is superseded', async () => {
    t.clock.advance(7 * MINUTE);
    const m = mark();
    const reply = await command(inRoom(a.room, IC), 'resolve');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Done: resolved');

    const row = await incidentRow(a.id);
    expect(row.status).toBe('resolved');
    expect(row.resolvedAt).not.toBeNull();
    const minutes = Math.round((row.resolvedAt!.getTime() - row.declaredAt.getTime()) / MINUTE);
    expect(minutes).toBe(7);

    const header = await t.slack.until(() => {
      const u = since(m, 'chat.update').filter((c) => c.body.channel === a.room && c.body.ts === a.header).at(-1);
      expect(u).toBeDefined();
      expect(String(u!.body.text)).toContain(`resolved after ${minutes} min`);
      return u!;
    });
    expect(JSON.stringify(header.body.blocks)).toContain(`resolved after ${minutes} min`);
    const topic = await t.slack.until(() => {
      const c = since(m, 'conversations.setTopic').find((x) => x.body.channel === a.room);
      expect(c).toBeDefined();
      return c!;
    });
    expect(String(topic.body.topic)).toContain(`RESOLVED after ${minutes} min`);
    await t.slack.until(() => expect(postsIn(m, a.room).some((c) => String(c.body.text).includes(`*resolved* incident #${a.number} after ${minutes} min`))).toBe(true));

    const updates = await jobsOf(a.id, 'update.reminder');
    expect(updates.length).toBeGreaterThan(0);
    for (const j of updates) {
      expect(j.doneAt).not.toBeNull();
      expect(j.outcome).toBe('superseded');
    }
    expect((await jobsOf(a.id, 'triage.reminder')).every((j) => j.doneAt !== null)).toBe(true);
    const pm = [...(await jobsOf(a.id, 'postmortem.reminder')), ...(await jobsOf(a.id, 'postmortem.overdue'))];
    expect(pm.map((j) => [j.kind, (j.dueAt.getTime() - row.resolvedAt!.getTime()) / (60 * MINUTE), j.doneAt])).toEqual([
      ['postmortem.reminder', 24, null],
      ['postmortem.reminder', 48, null],
      ['postmortem.overdue', 72, null],
    ]);
    expect((await events(a.id, 'incident.resolved')).map((e) => [e.actor, e.data])).toEqual([[IC, { durationMs: row.resolvedAt!.getTime() - row.declaredAt.getTime() }]]);
  });

  it('30 minutes on, a scheduler tick posts no update or triage reminder in the resolved channel (but does in the open one)', async () => {
    const m = mark();
    t.clock.advance(30 * MINUTE);
    await t.bot.scheduler.tick();
    const isReminder = (c: Call) => actionIds(c).includes('snooze_update') || /Ten minutes into incident/.test(String(c.body.text));
    expect(postsIn(m, a.room).filter(isReminder)).toEqual([]);
    // Control: the SEV1 declared at the same time is reminded.
    expect(postsIn(m, b.room).filter((c) => actionIds(c).includes('snooze_update')).length).toBeGreaterThan(0);
    expect(await t.db.job.count({ where: { incidentId: a.id, kind: 'update.reminder', doneAt: null } })).toBe(0);
    expect(await events(a.id, 'update.missed')).toEqual([]);
  });

  it('/incident postmortem uploads the packet to the channel as a Markdown file with the timeline', async () => {
    const m = mark();
    const reply = await command(inRoom(a.room, IC), 'postmortem');
    expect(reply.text).toContain('Uploading the postmortem packet');
    expect(reply.text).toContain('Root cause: technical');
    const complete = await t.slack.until(() => {
      const c = since(m, 'files.completeUploadExternal').at(-1);
      expect(c).toBeDefined();
      return c!;
    });
    expect(complete.body.channel_id).toBe(a.room);
    const [ask] = since(m, 'files.getUploadURLExternal');
    expect(ask!.body.filename).toBe(`incident-${a.number}-postmortem.md`);
    const upload = since(m).find((c) => c.method.startsWith('/upload/'));
    expect(upload).toBeDefined();
    const file = uploaded(upload!);
    expect(file).toContain(`# Postmortem: incident #${a.number}, Bad pack activated on stable`);
    expect(file).toContain('## Timeline (UTC)');
    // People by their Slack display name and id (users.info), steps by their runbook text, times to the second.
    const time = /\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| \d+ \| /.source;
    expect(file).toMatch(new RegExp(`${time}Ines Commander \\(${IC}\\) \\| Declared “Bad pack activated on stable” at SEV2 \\|`));
    expect(file).toContain(`Ines Commander (${IC}) | Step done: “${BY_HAND[0]!.text}” (§8) |`);
    expect(file).toContain(`Ines Commander (${IC}) | Resolved after 7 min |`);
    expect(file).toContain(`- Governed Orgo Case: ${CASE}`);
    expect(file).toContain('> **Incomplete:** not written yet.');
    expect(file).toContain('- [ ] Root cause: technical: not written yet.');
    expect(file).toMatch(/- Timeline chain head: event #\d+, SHA-256 `[0-9a-f]{64}`/);
    expect(file).not.toContain('<@');
    expect(since(m, 'users.info').map((c) => c.body.user)).toContain(IC);
  });

  it('/incident followup add opens the modal; submitting it adds corrective action #1', async () => {
    const m = mark();
    const reply = await command(inRoom(a.room, IC), 'followup add');
    expect(reply.text ?? '').toBe('');
    const opened = await t.slack.until(() => {
      const c = since(m, 'views.open').at(-1);
      expect(c).toBeDefined();
      return c!;
    });
    const view = opened.body.view as { callback_id: string; private_metadata: string; blocks: Block[] };
    expect(view.callback_id).toBe('followup_add');
    expect(JSON.parse(view.private_metadata)).toEqual({ roomId: a.room });
    expect(view.blocks.map((b) => b.block_id)).toEqual(['title', 'owner', 'dueOn']);
    expect(view.blocks.find((b) => b.block_id === 'dueOn')!.element!.type).toBe('datepicker');

    const res = await postSigned(t.eventsUrl, followupSubmission(inRoom(a.room, IC), view.private_metadata, { title: 'Compare signing key ids at the publish gate', owner: OPS, dueOn: '2030-03-16' }));
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const rows = await t.db.followup.findMany({ where: { incidentId: a.id } });
    expect(rows.map((f) => [f.seq, f.title, f.owner, f.dueOn?.toISOString().slice(0, 10), f.createdBy, f.doneAt])).toEqual([
      [1, 'Compare signing key ids at the publish gate', OPS, '2030-03-16', IC, null],
    ]);
    await t.slack.until(() => {
      const posted = postsIn(m, a.room).find((c) => String(c.body.text).startsWith('Corrective action #1 added'));
      expect(posted).toBeDefined();
      expect(String(posted!.body.text)).toContain(`owner <@${OPS}> · due 2030-03-16`);
    });
    expect((await jobsOf(a.id, 'followup.due')).map((j) => j.dueAt.toISOString())).toEqual(['2030-03-16T09:00:00.000Z']);
  });

  it('a submission without a deadline is answered with an error beside the field and adds nothing', async () => {
    const res = await postSigned(t.eventsUrl, followupSubmission(inRoom(a.room, IC), JSON.stringify({ roomId: a.room }), { title: 'Another action', owner: OPS, dueOn: null }));
    expect(res.status).toBe(200);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['dueOn']);
    expect(await t.db.followup.count({ where: { incidentId: a.id } })).toBe(1);
  });

  it('/incident followup done 1 marks it done; /incident followup list shows it', async () => {
    const m = mark();
    const done = await command(inRoom(a.room, OPS), 'followup done 1');
    expect(done.text).toContain('Done: #1');
    const [row] = await t.db.followup.findMany({ where: { incidentId: a.id } });
    expect(row!.doneAt).not.toBeNull();
    expect(row!.doneBy).toBe(OPS);
    await t.slack.until(() => expect(postsIn(m, a.room).some((c) => String(c.body.text).includes(`<@${OPS}> completed corrective action #1`))).toBe(true));
    const again = await command(inRoom(a.room, OPS), 'followup done 1');
    expect(again.text).toContain('already done');

    const list = await command(inRoom(a.room, BOB), 'followup list');
    expect(list.response_type).toBe('ephemeral');
    expect(list.text).toContain('Corrective actions');
    expect(list.text).toContain(`#1 Compare signing key ids at the publish gate · <@${OPS}> · 2030-03-16 · done`);
  });

  it('24 h after resolution the IC is reminded of the packet, naming the sections still to write', async () => {
    const row = await incidentRow(a.id);
    const m = mark();
    t.clock.advance(row.resolvedAt!.getTime() + 24 * 60 * MINUTE - t.clock.now().getTime() + 1000);
    await t.bot.scheduler.tick();
    const reminders = postsIn(m, a.room).filter((c) => String(c.body.text).includes('postmortem packet'));
    expect(reminders).toHaveLength(1);
    expect(String(reminders[0]!.body.text)).toBe(
      `<@${IC}> Incident #${a.number}: 24 h since resolution: the postmortem packet is due within 72 h (runbook §9). Still missing: Root cause: technical, Root cause: process, What worked, What didn't.`,
    );
    expect((await jobsOf(a.id, 'postmortem.reminder')).map((j) => j.outcome)).toEqual(['posted', null]);
  });

  it('/incident postmortem edit opens the sections modal; once saved the packet is complete and the 48 h reminder stays quiet', async () => {
    const m = mark();
    await command(inRoom(a.room, IC), 'postmortem edit');
    const opened = await t.slack.until(() => {
      const c = since(m, 'views.open').at(-1);
      expect(c).toBeDefined();
      return c!;
    });
    const view = opened.body.view as { callback_id: string; private_metadata: string; blocks: Block[] };
    expect(view.callback_id).toBe('postmortem_edit');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['rootCauseTechnical', 'rootCauseProcess', 'whatWorked', 'whatDidNot', 'rootCauseVerified']);
    const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
    const res = await postSigned(
      t.eventsUrl,
      viewSubmission({ team: 'T1', user: IC, channel: '' }, {
        id: `VPM${++views}`,
        callbackId: 'postmortem_edit',
        privateMetadata: view.private_metadata,
        values: {
              rootCauseTechnical: text('The pack was signed with the staging key.'),
              rootCauseProcess: text('The publish gate did not compare key ids.'),
              whatWorked: text('Rollback took four minutes.'),
              whatDidNot: text('Nobody was paged for activation rejects.'),
              rootCauseVerified: { value: { type: 'checkboxes', selected_options: [{ value: 'yes', text: { type: 'plain_text', text: 'The root cause is verified' } }] } },
            },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const saved = await t.db.postmortem.findUnique({ where: { incidentId: a.id } });
    expect([saved?.rootCauseTechnical, saved?.whatDidNot, saved?.rootCauseVerified, saved?.updatedBy]).toEqual([
      'The pack was signed with the staging key.',
      'Nobody was paged for activation rejects.',
      true,
      IC,
    ]);

    const m2 = mark();
    const reply = await command(inRoom(a.room, IC), 'postmortem');
    expect(reply.text).toBe('Uploading the postmortem packet (complete).');
    const upload = await t.slack.until(() => {
      const c = since(m2).find((x) => x.method.startsWith('/upload/'));
      expect(c).toBeDefined();
      return c!;
    });
    const file = uploaded(upload);
    expect(file).toContain('- Packet: complete');
    expect(file).toContain('The publish gate did not compare key ids.');
    expect(file).toContain(`| 1 | Compare signing key ids at the publish gate | Omar Ops (${OPS}) | 2030-03-16 | done `);
    // Names are cached per workspace: the second packet asks Slack about nobody already known.
    expect(since(m2, 'users.info').map((c) => c.body.user)).not.toContain(IC);

    const row = await incidentRow(a.id);
    const m3 = mark();
    t.clock.advance(row.resolvedAt!.getTime() + 48 * 60 * MINUTE - t.clock.now().getTime() + 1000);
    await t.bot.scheduler.tick();
    expect(postsIn(m3, a.room).filter((c) => String(c.body.text).includes('postmortem packet'))).toEqual([]);
    expect((await jobsOf(a.id, 'postmortem.reminder')).map((j) => j.outcome)).toEqual(['posted', 'complete']);
  });

  it('/incident external is refused before its form opens while the scope is not confirmed', async () => {
    const m = mark();
    const reply = await command(inRoom(a.room, IC), 'external');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('No external update yet (runbook §7.2)');
    expect(reply.text).toContain('the scope is not confirmed');
    expect(since(m, 'views.open')).toEqual([]);
    expect(await events(a.id, 'external.drafted')).toEqual([]);
  });

  it('/incident list outside an incident channel lists the open incidents, not the resolved one', async () => {
    const reply = await command(general, 'list');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Open incidents');
    const lines = (reply.text ?? '').split('\n').filter((l) => l.startsWith('• '));
    const mine = lines.filter((l) => l.includes(`<#${b.room}>`));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain(`#${b.number} SEV1`);
    expect(mine[0]).toContain(`IC <@${IC}>`);
    expect(mine[0]).toMatch(/next update \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(lines.some((l) => l.includes(`<#${a.room}>`))).toBe(false);
  });

  // KNOWN BUG (src/surfaces/slack/listeners/commands/lifecycle.ts, `list`): the age is counted on the
  // wall clock (Date.now()) while declaredAt and the next-update time come from the bot's clock.
  // Remove `.fails` once `list` reads deps.clock.
  it('/incident list counts ages on the bot\'s clock', async () => {
    const reply = await command(general, 'list');
    const line = (reply.text ?? '').split('\n').find((l) => l.includes(`<#${b.room}>`))!;
    const shown = Number(/ (-?\d+) min old/.exec(line)?.[1]);
    const expected = Math.round((t.clock.now().getTime() - b.declaredAt.getTime()) / MINUTE);
    expect(expected).toBeGreaterThan(48 * 60);
    expect(Math.abs(shown - expected)).toBeLessThanOrEqual(1);
  });

  it('/incident reopen by someone other than the IC is refused and changes nothing', async () => {
    const reply = await command(inRoom(a.room, BOB), 'reopen it is back');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain(`Only the Incident Commander (<@${IC}>) can reopen the incident`);
    expect((await incidentRow(a.id)).status).toBe('resolved');
    expect(await events(a.id, 'incident.reopened')).toEqual([]);
    expect(await t.db.job.count({ where: { incidentId: a.id, kind: 'update.reminder', doneAt: null } })).toBe(0);
  });

  it('/incident reopen by the IC reopens: investigating, update reminder back, postmortem reminders cancelled', async () => {
    const m = mark();
    const reply = await command(inRoom(a.room, IC), 'reopen errors are back');
    expect(reply.text).toContain('reopened');
    expect((await incidentRow(a.id)).status).toBe('investigating');
    expect(await t.db.job.count({ where: { incidentId: a.id, kind: 'update.reminder', doneAt: null } })).toBe(1);
    expect(await t.db.job.count({ where: { incidentId: a.id, kind: { in: ['postmortem.reminder', 'postmortem.overdue'] }, doneAt: null } })).toBe(0);
    expect((await events(a.id, 'incident.reopened')).map((e) => [e.actor, e.data])).toEqual([[IC, { reason: 'errors are back', reopenedSteps: RECOVERY.map((i) => i.id) }]]);
    // Every §8 step is open again, each undo saying why; resolve needs them again.
    expect(await t.db.checklistItem.count({ where: { incidentId: a.id, itemId: { in: RECOVERY.map((i) => i.id) }, status: { not: 'open' } } })).toBe(0);
    const undone = await events(a.id, 'checklist.item.undone');
    expect(undone.map((e) => (e.data as { reason: string }).reason)).toEqual(RECOVERY.map(() => 'incident reopened: errors are back'));
    const refused = await command(inRoom(a.room, IC), 'resolve');
    expect((refused.text ?? '').split('\n').filter((l) => l.startsWith('• '))).toEqual(RECOVERY.map((i) => `• ${i.text}`));
    expect(refused.text).not.toContain('No governed Orgo Case');
    await t.slack.until(() => {
      const u = since(m, 'chat.update').filter((c) => c.body.channel === a.room && c.body.ts === a.header).at(-1);
      expect(u).toBeDefined();
      expect(String(u!.body.text)).toContain('investigating');
    });
  });

  // KNOWN BUG (src/core/incidents/lifecycle.ts `reopen` and src/db/incident-repository.ts, which
  // COALESCEs resolved_at): a reopened incident keeps its resolvedAt, so its packet still says
  // "Resolved: … (after N min)" next to "status: investigating". Remove `.fails` once fixed.
  it('a reopened incident has no resolved_at in the database', async () => {
    expect((await incidentRow(a.id)).resolvedAt).toBeNull();
  });
});
