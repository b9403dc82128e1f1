// Exactly once by delivery, not by state: Slack redelivers a click or a submission (a retry after a
// slow ack, a double submit), and the second delivery must change nothing and post nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActionCatalog } from '../../src/core/actions/catalog.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait, type DeclaredIncident } from '../support/declared.js';
import { followupSubmission, requestSubmission, updateSubmission } from '../support/slack-forms.js';
import { buttonClick, commandBody, postSigned, type Actor } from '../support/slack-requests.js';

const IC = 'UIC';
const OPS = 'UOPS';
const CATALOG = loadActionCatalog();

let t: TestBot;
let inc: DeclaredIncident;
const at = (room: string, user: string): Actor => ({ team: 'T1', user, channel: room });
const events = (type: string) => t.db.timelineEvent.findMany({ where: { incidentId: inc.id, type } });
const posts = (text: string) => t.slack.called('chat.postMessage').filter((c) => c.body.channel === inc.room && String(c.body.text).includes(text));
/** Sends one delivery, then Slack's retry of it: the same body, marked as retry 1. */
async function twice(body: string) {
  const first = await postSigned(t.eventsUrl, body);
  const second = await postSigned(t.eventsUrl, body, { retryNum: 1 });
  expect([first.status, second.status]).toEqual([200, 200]);
  return [first, second];
}
const command = (who: Actor, text: string) => postSigned(t.eventsUrl, commandBody(who, text, t.responseUrl));

beforeAll(async () => {
  t = await startTestBot();
  inc = await declareAndWait(t, at('CGENERAL', IC), 'VDELIVER', { title: 'Activation failing on stable', severity: 'SEV2', areas: ['distribution_activation'], tenants: 'acme', channels: 'stable' });
  await command(at(inc.room, IC), `assign ops <@${OPS}>`);
}, 60_000);

afterAll(() => t?.stop());

describe('a redelivered click', () => {
  it('D1: Done, Undo, Done, then a retry of the Undo: the step stays done and one undo is recorded', async () => {
    const step = 'triage.impacted-scope';
    const click = (verb: string, ts: string) => buttonClick(at(inc.room, IC), `item:${verb}:${step}`, inc.id, t.responseUrl, ts);
    const status = async () => (await t.db.checklistItem.findUnique({ where: { incidentId_itemId: { incidentId: inc.id, itemId: step } } }))?.status ?? 'open';
    // Bolt acks before the listener runs: each click is let through once the one before it landed.
    const send = async (body: string, want: string, retryNum?: number) => {
      expect((await postSigned(t.eventsUrl, body, retryNum === undefined ? {} : { retryNum })).status).toBe(200);
      await t.slack.until(async () => expect(await status()).toBe(want));
    };
    await send(click('done', '1800000000.000100'), 'done');
    const undo = click('undo', '1800000000.000200');
    await send(undo, 'open');
    await send(click('done', '1800000000.000300'), 'done');
    // The earlier clicks' repaints land after their rows: let them finish before the retry is sent.
    for (let seen = -1; seen !== t.slack.calls.length; ) {
      seen = t.slack.calls.length;
      await new Promise((r) => setTimeout(r, 300));
    }
    const before = t.slack.calls.length;
    await send(undo, 'done', 1);
    // The retry is answered as the first delivery was, and nothing moves: no undo, no repaint.
    await new Promise((r) => setTimeout(r, 300));
    expect(await status()).toBe('done');
    expect(await events('checklist.item.undone')).toHaveLength(1);
    expect(await events('checklist.item.done')).toHaveLength(2);
    // (The header, which shows the triage progress, may still be catching up with the earlier clicks.)
    expect(t.slack.calls.slice(before).filter((c) => (c.method === 'chat.update' && c.body.ts !== inc.header) || c.method === 'chat.postEphemeral')).toEqual([]);
  });
});

describe('a redelivered submission', () => {
  it('D2: the same update submission twice posts one update and records one', async () => {
    const body = updateSubmission(at(inc.room, IC), inc.room, {
      changed: 'Paused auto-activation on stable.',
      impact: 'acme on stable only.',
      mitigation: 'freeze',
      nextActions: 'Roll back to LKG.',
      owner: OPS,
    }, 'VUPDTWICE');
    await twice(body);
    await t.slack.until(() => expect(t.slack.called('chat.postMessage').filter((c) => c.body.channel === inc.room && String(c.body.text).startsWith('Update on incident'))).toHaveLength(1));
    expect(await events('update.posted')).toHaveLength(1);
  });

  it('D3: the same corrective-action submission twice adds one action', async () => {
    await twice(followupSubmission(at(inc.room, IC), JSON.stringify({ roomId: inc.room }), { title: 'Canary activation per channel', owner: OPS, dueOn: '2030-01-15' }, 'VFUTWICE'));
    expect(await t.db.followup.count({ where: { incidentId: inc.id } })).toBe(1);
    await t.slack.until(() => expect(posts('Corrective action #1 added')).toHaveLength(1));
    expect(posts('Corrective action #2')).toHaveLength(0);
  });

  it('D3: a containment request delivered three times is one request, told once', async () => {
    const pause = CATALOG.actions.find((a) => a.id === 'pause-auto-activation')!;
    const body = requestSubmission(at(inc.room, OPS), inc.room, pause, { tenant: 'acme', channel: 'stable' }, undefined, 'VREQTHRICE');
    await twice(body);
    expect((await postSigned(t.eventsUrl, body, { retryNum: 2 })).status).toBe(200);
    const rows = await t.db.actionRequest.findMany({ where: { incidentId: inc.id } });
    expect(rows).toHaveLength(1);
    expect(await events('action.requested')).toHaveLength(1);
    await t.bot.scheduler.tick();
    await t.slack.until(() => expect(posts('Pause auto-activation').length).toBeGreaterThan(0));
    const told = posts('Pause auto-activation').length;
    await t.bot.scheduler.tick();
    expect(posts('Pause auto-activation')).toHaveLength(told);
  });
});

describe('the room topic', () => {
  it('D4: reopen replaces "RESOLVED after …" in the topic', async () => {
    const other = await declareAndWait(t, at('CGENERAL', IC), 'VTOPIC', { title: 'Render traces missing', severity: 'SEV3', areas: ['rendering'], tenants: 'acme' });
    const room = at(other.room, IC);
    await command(room, 'checklist recovery');
    const steps = ['recovery.impact-stopped', 'recovery.stable-state', 'recovery.end-to-end-verification', 'recovery.monitoring-confirms', 'recovery.orgo-case-exists'];
    await t.slack.until(async () => expect(await t.db.roomMessage.count({ where: { incidentId: other.id, shows: 'checklist:recovery' } })).toBeGreaterThan(0));
    for (const s of steps) await postSigned(t.eventsUrl, buttonClick(room, `item:done:${s}`, other.id, t.responseUrl));
    await command(room, 'case https://orgo.example/cases/7');
    await t.slack.until(async () => expect(await t.db.checklistItem.count({ where: { incidentId: other.id, itemId: { in: steps }, status: 'done' } })).toBe(steps.length));
    await command(room, 'resolve');
    const topics = () => t.slack.called('conversations.setTopic').filter((c) => c.body.channel === other.room).map((c) => String(c.body.topic));
    await t.slack.until(() => expect(topics().at(-1)).toMatch(/^RESOLVED after \d+ min/));
    await command(room, 'reopen monitoring shows new rejects');
    await t.slack.until(() => expect(topics().at(-1)).not.toMatch(/RESOLVED/));
    expect(topics().at(-1)).toContain('Render traces missing');
  });
});
