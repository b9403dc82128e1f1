// Running the runbook's checklists from an incident channel over signed HTTP: the triage posted at
// declare, Done / Skip / Undo and the skip modal, the races, the refusals, the payloads that lie about
// which incident or step they touch, playbooks (by command, by button, by symptom) with their
// escalation prompt, and re-posting. Each test checks what a responder sees and the rows written.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findChainBreak } from '../../src/core/timeline/chain.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { messageRefs } from '../support/declared.js';
import { buttonClick, commandBody, declareSubmission, interactionBody, postSigned, type Actor, viewSubmission } from '../support/slack-requests.js';
import { TEST_KEYING, TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: { action_id?: string; value?: string };
  elements?: { action_id?: string; value?: string; text?: { text: string } }[];
};
type Incident = { id: string; room: string; header: string; number: number };

let t: TestBot;
let view = 0;
const nextView = () => `VCHK${++view}`;
const ic: Actor = { team: 'T1', user: 'UIC', channel: 'CGENERAL' };
const at = (room: string, user: string, team = 'T1'): Actor => ({ team, user, channel: room });

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());
beforeEach(() => {
  t.slack.calls.length = 0;
});

// ---- helpers ---------------------------------------------------------------------------------

/** The body of a declare submission, with the §10 symptom picked when one is given. */
function declareBody(who: Actor, viewId: string, form: Parameters<typeof declareSubmission>[2], symptom?: string) {
  const body = declareSubmission(who, viewId, form);
  if (symptom === undefined) return body;
  const payload = JSON.parse(decodeURIComponent(body.slice('payload='.length))) as { view: { state: { values: Record<string, unknown> } } };
  payload.view.state.values.symptom = {
    value: { type: 'static_select', selected_option: { value: symptom, text: { type: 'plain_text', text: symptom } } },
  };
  return interactionBody(payload);
}

/** Declares and waits until set-up is over: every attached checklist posted and the announcement out. */
async function declare(who: Actor, form: Parameters<typeof declareSubmission>[2], symptom?: string): Promise<Incident> {
  const viewId = nextView();
  const res = await postSigned(t.eventsUrl, declareBody(who, viewId, form, symptom));
  expect(res.status).toBe(200);
  expect(res.body).toBe('');
  return t.slack.until(async () => {
    const row = await t.db.incident.findFirst({ where: { declareKey: viewId, workspace: { externalId: who.team }, messages: { some: { shows: 'header' } } } });
    expect(row).not.toBeNull();
    const lists = await t.db.incidentChecklist.findMany({ where: { incidentId: row!.id } });
    expect(lists.length).toBeGreaterThan(0);
    for (const l of lists) expect((await messageIds(row!.id, l.checklistId)).length).toBeGreaterThan(0);
    expect(t.slack.called('chat.postMessage').some((c) => c.body.channel === who.channel && String(c.body.text).includes(`<#${row!.roomId}>`))).toBe(true);
    return { id: row!.id, room: row!.roomId!, header: (await messageRefs(t, row!.id, 'header'))[0]!, number: row!.number };
  }, 10_000);
}

async function command(who: Actor, text: string) {
  const res = await postSigned(t.eventsUrl, commandBody(who, text, t.responseUrl));
  expect(res.status).toBe(200);
  return (res.body ? res.json() : {}) as { response_type?: string; text?: string; blocks?: Block[] };
}

const itemClick = (who: Actor, verb: 'done' | 'skip' | 'undo', itemId: string, incidentId: string) =>
  postSigned(t.eventsUrl, buttonClick(who, `item:${verb}:${itemId}`, incidentId, t.responseUrl));

/** A view_submission of the skip modal, carrying the private_metadata the modal was opened with. */
function skipSubmission(who: Actor, privateMetadata: string, form: { reason: string | null; na?: boolean }) {
  const na = form.na ? [{ value: 'yes', text: { type: 'plain_text', text: 'Not applicable to this incident' } }] : [];
  return viewSubmission(who, {
    id: nextView(),
    callbackId: 'skip_item',
    privateMetadata,
    values: {
      reason: { value: { type: 'plain_text_input', value: form.reason } },
      na: { value: { type: 'checkboxes', selected_options: na } },
    },
  });
}

const item = (incidentId: string, itemId: string) => t.db.checklistItem.findUnique({ where: { incidentId_itemId: { incidentId, itemId } } });
const events = (incidentId: string, type: string) => t.db.timelineEvent.findMany({ where: { incidentId, type }, orderBy: { seq: 'asc' } });
const messageIds = (incidentId: string, checklistId: string) => messageRefs(t, incidentId, `checklist:${checklistId}`);
/** Rows a refused click must not add to. */
const written = async () => ({ events: await t.db.timelineEvent.count(), items: await t.db.checklistItem.count(), lists: await t.db.incidentChecklist.count() });

const itemLine = (blocks: Block[], itemId: string) => blocks.find((b) => b.block_id === `item:${itemId}`)?.text?.text;
const itemButtons = (blocks: Block[], itemId: string) => blocks.find((b) => b.block_id === `act:${itemId}`)?.elements?.map((e) => e.action_id);
const actionIds = (blocks: Block[]) => blocks.flatMap((b) => [...(b.elements ?? []).map((e) => e.action_id), b.accessory?.action_id]).filter(Boolean);

/** The last chat.update of message `ts` in `room`, once its line for `itemId` passes `check`. */
function updateOf(room: string, ts: string, itemId: string, check: (line: string) => void) {
  return t.slack.until(() => {
    const update = t.slack.called('chat.update').filter((c) => c.body.channel === room && c.body.ts === ts).at(-1);
    expect(update, `a chat.update of ${ts}`).toBeDefined();
    const blocks = update!.body.blocks as Block[];
    check(itemLine(blocks, itemId) ?? '');
    return blocks;
  });
}

function ephemeralTo(user: string, channel?: string) {
  return t.slack.until(() => {
    const m = t.slack.called('chat.postEphemeral').filter((c) => c.body.user === user && (channel === undefined || c.body.channel === channel));
    expect(m.length).toBeGreaterThan(0);
    return m.at(-1)!;
  });
}

/** Messages posted in `room` whose blocks hold a button of checklist `prefix` (e.g. "triage."). */
const postedChecklist = (room: string, prefix: string) =>
  t.slack.called('chat.postMessage').filter((c) => c.body.channel === room && JSON.stringify(c.body.blocks ?? []).includes(`item:done:${prefix}`));

const TRIAGE_IDS = [
  'triage.assign-leads',
  'triage.freeze-automation',
  'triage.establish-channel',
  'triage.impacted-scope',
  'triage.failing-stage',
  'triage.impact-kind',
  'triage.snapshot-build-record',
  'triage.snapshot-validation-reports',
  'triage.snapshot-pack-manifest',
  'triage.snapshot-activation-state',
  'triage.snapshot-render-bundles',
  'triage.snapshot-execution-telemetry',
  'triage.snapshot-trust-roots',
];

const DONE_LINE = /^✅ .*\nDone by <@(\w+)> at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/s;

// ---- tests -----------------------------------------------------------------------------------

describe('the triage checklist', () => {
  let inc: Incident;

  it('is posted in the incident channel at declare, pinned, with Done and Skip on every step, and its message recorded', async () => {
    inc = await declare(ic, { title: 'Verify rejects on canary', severity: 'SEV2', areas: ['distribution_activation'] });
    const posted = postedChecklist(inc.room, 'triage.');
    expect(posted).toHaveLength(1);
    const blocks = posted[0]!.body.blocks as Block[];
    for (const id of TRIAGE_IDS) {
      expect(itemButtons(blocks, id)).toEqual([`item:done:${id}`, `item:skip:${id}`]);
      expect(itemLine(blocks, id)).toMatch(/^☐ /);
    }
    expect(blocks.filter((b) => b.block_id?.startsWith('item:'))).toHaveLength(TRIAGE_IDS.length);
    for (const b of blocks) for (const e of b.elements ?? []) if (e.action_id?.startsWith('item:')) expect(e.value).toBe(inc.id);
    expect(itemLine(blocks, 'triage.freeze-automation')).toContain('_Operations Lead_');
    expect(JSON.stringify(blocks)).toContain('5.1 Stabilize* — 0/3');
    expect(JSON.stringify(blocks)).toContain('5.3 Preserve evidence (before destructive actions)* — 0/7');

    expect(await messageIds(inc.id, 'triage')).toEqual([posted[0]!.response!.ts]);
    expect(t.slack.called('pins.add').map((p) => p.body.timestamp)).toContain(posted[0]!.response!.ts);
    const attached = await events(inc.id, 'checklist.attached');
    expect(attached.map((e) => e.data)).toEqual([{ checklistId: 'triage' }]);
  });

  it('refuses a step without owner to someone who holds no role, saying how to get one, and writes nothing', async () => {
    const before = await written();
    await itemClick(at(inc.room, 'URANDOM'), 'done', 'triage.impacted-scope', inc.id);
    const told = await ephemeralTo('URANDOM', inc.room);
    expect(told.body.text).toBe(
      ':warning: Only someone holding a role in this incident may tick, skip or undo this step. To get the right, take an unfilled role with "Take role" on the header, or ask the Incident Commander (<@UIC>) to assign you one.',
    );
    expect(await written()).toEqual(before);
    // Taking a role on the header gives the right.
    await postSigned(t.eventsUrl, buttonClick(at(inc.room, 'URANDOM'), 'take_role:konnaxion', inc.id, t.responseUrl));
    await t.slack.until(async () => expect(await t.db.roleAssignment.count({ where: { incidentId: inc.id, userId: 'URANDOM', role: 'konnaxion' } })).toBe(1));
    await t.slack.until(() => expect(t.slack.called('chat.update').some((c) => c.body.ts === inc.header)).toBe(true));
  });

  it('Done on a step without owner, by someone holding a role: the row, the timeline event and the message updated in place', async () => {
    const res = await itemClick(at(inc.room, 'URANDOM'), 'done', 'triage.impacted-scope', inc.id);
    expect(res.status).toBe(200);
    const row = await t.slack.until(async () => {
      const r = await item(inc.id, 'triage.impacted-scope');
      expect(r?.status).toBe('done');
      return r!;
    });
    expect(row).toMatchObject({ actor: 'URANDOM', reason: null });
    const [done, ...more] = await events(inc.id, 'checklist.item.done');
    expect(more).toHaveLength(0);
    expect(done!.actor).toBe('URANDOM');
    expect(done!.data).toEqual({ checklistId: 'triage', itemId: 'triage.impacted-scope' });

    const [ts] = await messageIds(inc.id, 'triage');
    const blocks = await updateOf(inc.room, ts!, 'triage.impacted-scope', (line) => expect(line).toMatch(DONE_LINE));
    expect(itemLine(blocks, 'triage.impacted-scope')).toContain('Done by <@URANDOM>');
    expect(itemButtons(blocks, 'triage.impacted-scope')).toEqual(['item:undo:triage.impacted-scope']);
    expect(JSON.stringify(blocks)).toContain('5.2 Identify scope* — 1/3');
    // The other steps are untouched.
    expect(itemLine(blocks, 'triage.failing-stage')).toMatch(/^☐ /);
    expect(t.slack.called('chat.postEphemeral')).toHaveLength(0);
  });

  it('Undo is an event of its own: the step is open again and the first tick stays in the timeline', async () => {
    await itemClick(at(inc.room, 'URANDOM'), 'undo', 'triage.impacted-scope', inc.id);
    const row = await t.slack.until(async () => {
      const r = await item(inc.id, 'triage.impacted-scope');
      expect(r?.status).toBe('open');
      return r!;
    });
    expect(row.actor).toBe('URANDOM');
    const undone = await events(inc.id, 'checklist.item.undone');
    expect(undone.map((e) => [e.actor, e.data])).toEqual([['URANDOM', { checklistId: 'triage', itemId: 'triage.impacted-scope' }]]);
    const done = await events(inc.id, 'checklist.item.done');
    expect(done.map((e) => e.actor)).toEqual(['URANDOM']);
    expect(done[0]!.seq).toBeLessThan(undone[0]!.seq);

    const [ts] = await messageIds(inc.id, 'triage');
    const blocks = await updateOf(inc.room, ts!, 'triage.impacted-scope', (line) => expect(line).toMatch(/^☐ /));
    expect(itemLine(blocks, 'triage.impacted-scope')).not.toContain('Done by');
    expect(itemButtons(blocks, 'triage.impacted-scope')).toEqual(['item:done:triage.impacted-scope', 'item:skip:triage.impacted-scope']);
    expect(JSON.stringify(blocks)).toContain('5.2 Identify scope* — 0/3');

    const ws = { id: (await t.db.incident.findUniqueOrThrow({ where: { id: inc.id } })).workspaceId, platform: 'slack' as const, externalId: 'T1' };
    expect(findChainBreak(await new PrismaIncidentRepository(t.db, TEST_TIMELINE_KEY).timeline(ws, inc.id), TEST_KEYING)).toBeNull();
  });

  it('refuses an undo of an open step, and writes nothing', async () => {
    const before = await written();
    await itemClick(at(inc.room, 'URANDOM'), 'undo', 'triage.impacted-scope', inc.id);
    const told = await ephemeralTo('URANDOM', inc.room);
    expect(told.body.text).toContain('This step is open: there is nothing to undo.');
    expect(await written()).toEqual(before);
  });

  it('two people clicking Done on the same step at once make one change; the other is told who was first', async () => {
    // Three steps, two clickers each, all at once: every step changes once and has one loser.
    const steps = ['triage.failing-stage', 'triage.impact-kind', 'triage.impacted-scope'];
    // Everyone clicking holds a role (unowned steps need one); Operations Lead stays unfilled for later.
    for (const [role, user] of [['sec', 'UANN0'], ['orgo', 'UBEN0'], ['architect', 'UANN1'], ['swarmcraft', 'UBEN1']]) {
      expect((await command(at(inc.room, 'UIC'), `assign ${role} <@${user}>`)).text).toContain(`<@${user}> is now`);
    }
    const pairs = [
      [steps[0]!, 'UANN0', 'UBEN0'],
      [steps[1]!, 'UANN1', 'UBEN1'],
      [steps[2]!, 'UIC', 'URANDOM'],
    ] as const;
    const responses = await Promise.all(
      pairs.flatMap(([id, a, b]) => [itemClick(at(inc.room, a), 'done', id, inc.id), itemClick(at(inc.room, b), 'done', id, inc.id)]),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    for (const [id, a, b] of pairs) {
      const row = await t.slack.until(async () => {
        const r = await item(inc.id, id);
        expect(r?.status).toBe('done');
        return r!;
      });
      const winner = row.actor;
      expect([a, b]).toContain(winner);
      const loser = winner === a ? b : a;
      const told = await ephemeralTo(loser, inc.room);
      expect(told.body.text).toMatch(new RegExp(`^:warning: Already done by <@${winner}> at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.$`));
      expect(t.slack.called('chat.postEphemeral').filter((c) => c.body.user === winner)).toHaveLength(0);
      const done = (await events(inc.id, 'checklist.item.done')).filter((e) => (e.data as { itemId: string }).itemId === id);
      // impacted-scope was ticked once before (and undone): only the latest tick is this race's.
      expect(done.slice(id === 'triage.impacted-scope' ? 1 : 0).map((e) => e.actor)).toEqual([winner]);
    }
    // The message ends up showing every step done. How many refreshes that takes is not fixed: changes
    // decided at once repaint concurrently; a painter overtaken by a newer one while its call was in
    // flight repaints once more, and one that a newer claim beat paints not at all (room-talk.ts). At
    // most one repaint and one more per change, none for the refusals.
    const [ts] = await messageIds(inc.id, 'triage');
    await t.slack.until(() => {
      const updates = t.slack.called('chat.update').filter((c) => c.body.channel === inc.room && c.body.ts === ts);
      expect(updates.length).toBeLessThanOrEqual(2 * steps.length - 1);
      for (const id of steps) expect(itemLine(updates.at(-1)!.body.blocks as Block[], id)).toMatch(DONE_LINE);
    });
  });

  it('refuses an owned step to someone who is neither its role holder nor the IC, naming who may, and writes nothing', async () => {
    const before = await written();
    await itemClick(at(inc.room, 'URANDOM'), 'done', 'triage.freeze-automation', inc.id);
    const told = await ephemeralTo('URANDOM', inc.room);
    expect(told.body.text).toContain('Only the Operations Lead (unfilled) or the Incident Commander (<@UIC>) may tick, skip or undo this step.');
    expect(await written()).toEqual(before);
    expect(await item(inc.id, 'triage.freeze-automation')).toBeNull();
    // The header, and the checklist's last repaints of the race above, may still be on their way: none
    // of them shows this step ticked.
    const shown = t.slack.called('chat.update').filter((c) => c.body.ts !== inc.header).map((c) => itemLine(c.body.blocks as Block[], 'triage.freeze-automation'));
    for (const line of shown) expect(line).toMatch(/^☐ /);
  });

  it('lets the IC tick an owned step, and the role holder undo it; others are still refused', async () => {
    await itemClick(at(inc.room, 'UIC'), 'done', 'triage.freeze-automation', inc.id);
    await t.slack.until(async () => expect(await item(inc.id, 'triage.freeze-automation')).toMatchObject({ status: 'done', actor: 'UIC' }));
    const [ts] = await messageIds(inc.id, 'triage');
    await updateOf(inc.room, ts!, 'triage.freeze-automation', (line) => expect(line).toContain('Done by <@UIC>'));

    expect((await command(at(inc.room, 'UIC'), 'assign ops <@UOPS>')).text).toContain('<@UOPS> is now Operations Lead');
    t.slack.calls.length = 0;
    await itemClick(at(inc.room, 'URANDOM'), 'undo', 'triage.freeze-automation', inc.id);
    expect((await ephemeralTo('URANDOM', inc.room)).body.text).toContain('Only the Operations Lead (<@UOPS>) or the Incident Commander (<@UIC>)');
    await itemClick(at(inc.room, 'UOPS'), 'undo', 'triage.freeze-automation', inc.id);
    await t.slack.until(async () => expect(await item(inc.id, 'triage.freeze-automation')).toMatchObject({ status: 'open', actor: 'UOPS' }));
    await updateOf(inc.room, ts!, 'triage.freeze-automation', (line) => expect(line).toMatch(/^☐ /));
    const undone = (await events(inc.id, 'checklist.item.undone')).filter((e) => (e.data as { itemId: string }).itemId === 'triage.freeze-automation');
    expect(undone.map((e) => e.actor)).toEqual(['UOPS']);
  });
});

describe('checklist message refreshes', () => {
  // Refreshes of one message run in order, each from the stored state: a retried older update
  // must never leave the message showing a step open that the database has done.
  it('a late (retried) update of an older change does not paint over a newer one', async () => {
    const inc = await declare(ic, { title: 'Slow Slack updates', severity: 'SEV3' });
    const [ts] = await messageIds(inc.id, 'triage');
    for (const user of ['UA', 'UB']) await postSigned(t.eventsUrl, buttonClick(at(inc.room, user), `take_role:${user === 'UA' ? 'ops' : 'sec'}`, inc.id, t.responseUrl));
    await t.slack.until(async () => expect(await t.db.roleAssignment.count({ where: { incidentId: inc.id, userId: { in: ['UA', 'UB'] } } })).toBe(2));
    t.slack.calls.length = 0;
    // Only the checklist's update fails: the header refreshes of those role changes may still be on their way.
    t.slack.fail('chat.update', { status: 500, ts: ts! }, 1);
    await itemClick(at(inc.room, 'UA'), 'done', 'triage.impacted-scope', inc.id);
    const updates = () => t.slack.called('chat.update').filter((c) => c.body.ts === ts);
    await t.slack.until(() => expect(updates()).toHaveLength(1)); // the failed first try
    await itemClick(at(inc.room, 'UB'), 'done', 'triage.failing-stage', inc.id);
    await t.slack.until(async () => expect(await item(inc.id, 'triage.failing-stage')).toMatchObject({ status: 'done' }));
    // Both refreshes delivered (the retry of the first one included).
    await t.slack.until(() => expect(updates().filter((c) => c.response?.ok).length).toBeGreaterThanOrEqual(2), 5000);
    await new Promise((r) => setTimeout(r, 300));
    const last = t.slack.called('chat.update').filter((c) => c.body.ts === ts && c.response?.ok).at(-1)!;
    const blocks = last.body.blocks as Block[];
    expect(itemLine(blocks, 'triage.impacted-scope')).toContain('Done by <@UA>');
    expect(itemLine(blocks, 'triage.failing-stage')).toContain('Done by <@UB>');
  });
});

describe('Skip', () => {
  let inc: Incident;
  beforeAll(async () => {
    inc = await declare(ic, { title: 'Schema errors on publish', severity: 'SEV3' });
    // Steps without owner need a role in the incident.
    await command(at(inc.room, 'UIC'), 'assign sec <@USAM>');
  });

  /** Clicks Skip and returns the modal Slack was asked to open. */
  async function openSkip(who: Actor, itemId: string, incidentId = inc.id) {
    const res = await itemClick(who, 'skip', itemId, incidentId);
    expect(res.status).toBe(200);
    return t.slack.until(() => {
      const open = t.slack.called('views.open').at(-1);
      expect(open).toBeDefined();
      return open!.body as { trigger_id: string; view: { callback_id: string; private_metadata: string; blocks: Block[] } };
    });
  }

  it('opens the reason modal with the click trigger, and writes nothing yet', async () => {
    const before = await written();
    const open = await openSkip(at(inc.room, 'USAM'), 'triage.impact-kind');
    expect(open.trigger_id).toBe('trigger-click');
    expect(open.view.callback_id).toBe('skip_item');
    expect(JSON.parse(open.view.private_metadata)).toEqual({ incidentId: inc.id, itemId: 'triage.impact-kind', roomId: inc.room });
    expect(open.view.blocks.map((b) => b.block_id)).toEqual(['item', 'reason', 'na']);
    expect(JSON.stringify(open.view.blocks[0])).toContain('Is this correctness, availability, or security?');
    expect(await written()).toEqual(before);
  });

  it('skips with the reason: in the row, the timeline and the message', async () => {
    const open = await openSkip(at(inc.room, 'USAM'), 'triage.impact-kind');
    const res = await postSigned(t.eventsUrl, skipSubmission(at(inc.room, 'USAM'), open.view.private_metadata, { reason: '  Already known: availability only  ' }));
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(await item(inc.id, 'triage.impact-kind')).toMatchObject({ status: 'skipped', actor: 'USAM', reason: 'Already known: availability only' });
    const [skipped] = await events(inc.id, 'checklist.item.skipped');
    expect(skipped!.actor).toBe('USAM');
    expect(skipped!.data).toEqual({ checklistId: 'triage', itemId: 'triage.impact-kind', reason: 'Already known: availability only' });
    const [ts] = await messageIds(inc.id, 'triage');
    const blocks = await updateOf(inc.room, ts!, 'triage.impact-kind', (line) =>
      expect(line).toMatch(/^⏭️ Is this correctness, availability, or security\?\nSkipped by <@USAM> at .* UTC: Already known: availability only$/),
    );
    expect(itemButtons(blocks, 'triage.impact-kind')).toEqual(['item:undo:triage.impact-kind']);
  });

  it('answers an empty reason beside the reason field, and writes nothing', async () => {
    const open = await openSkip(at(inc.room, 'USAM'), 'triage.failing-stage');
    const before = await written();
    for (const reason of ['   ', null]) {
      const res = await postSigned(t.eventsUrl, skipSubmission(at(inc.room, 'USAM'), open.view.private_metadata, { reason }));
      expect(res.status).toBe(200);
      const answer = res.json() as { response_action: string; errors: Record<string, string> };
      expect(answer.response_action).toBe('errors');
      expect(Object.keys(answer.errors)).toEqual(['reason']);
      expect(answer.errors.reason).toContain('a skip needs a reason');
    }
    expect(await written()).toEqual(before);
    expect(await item(inc.id, 'triage.failing-stage')).toBeNull();
  });

  it('marks the step not applicable when the box is ticked', async () => {
    // An owned step (Architect Lead): the IC may mark it, USAM may not, and is told before typing a reason.
    const opened = t.slack.called('views.open').length;
    await itemClick(at(inc.room, 'USAM'), 'skip', 'triage.snapshot-render-bundles', inc.id);
    expect((await ephemeralTo('USAM', inc.room)).body.text).toContain('Only the Architect Lead (unfilled) or the Incident Commander (<@UIC>)');
    expect(t.slack.called('views.open')).toHaveLength(opened);
    const open = await openSkip(at(inc.room, 'UIC'), 'triage.snapshot-render-bundles');
    // A submission by someone else carrying that form's metadata is refused all the same.
    const refused = await postSigned(t.eventsUrl, skipSubmission(at(inc.room, 'USAM'), open.view.private_metadata, { reason: 'no rendering involved', na: true }));
    expect((refused.json() as { errors: Record<string, string> }).errors.reason).toContain('Only the Architect Lead (unfilled) or the Incident Commander (<@UIC>)');
    expect(await item(inc.id, 'triage.snapshot-render-bundles')).toBeNull();

    const res = await postSigned(t.eventsUrl, skipSubmission(at(inc.room, 'UIC'), open.view.private_metadata, { reason: 'no rendering involved', na: true }));
    expect(res.body).toBe('');
    expect(await item(inc.id, 'triage.snapshot-render-bundles')).toMatchObject({ status: 'na', actor: 'UIC', reason: 'no rendering involved' });
    const [na] = await events(inc.id, 'checklist.item.na');
    expect(na!.data).toEqual({ checklistId: 'triage', itemId: 'triage.snapshot-render-bundles', reason: 'no rendering involved' });
    expect(await events(inc.id, 'checklist.item.skipped').then((e) => e.map((x) => (x.data as { itemId: string }).itemId))).not.toContain('triage.snapshot-render-bundles');
    const [ts] = await messageIds(inc.id, 'triage');
    await updateOf(inc.room, ts!, 'triage.snapshot-render-bundles', (line) =>
      expect(line).toMatch(/^➖ .*\nNot applicable by <@UIC> at .* UTC: no rendering involved$/s),
    );
  });
});

describe('payloads are claims', () => {
  let inc: Incident;
  let other: Incident;
  beforeAll(async () => {
    inc = await declare(ic, { title: 'Claims checked', severity: 'SEV3' });
    other = await declare({ team: 'T2', user: 'UBOB', channel: 'CB' }, { title: 'Other workspace', severity: 'SEV3' });
  });

  const NO_INCIDENT = ':warning: That incident does not exist here.';
  const NO_STEP = ':warning: That step is not part of this incident.';
  it.each([
    ['an incident id of another workspace, clicked in this channel', () => [at(inc.room, 'UMAL'), 'triage.impacted-scope', other.id], NO_INCIDENT],
    ['this incident, clicked from the other workspace', () => [at(inc.room, 'UMAL', 'T2'), 'triage.impacted-scope', inc.id], NO_INCIDENT],
    ['the other workspace’s incident, clicked in its own channel as a T1 user', () => [at(other.room, 'UMAL'), 'triage.impacted-scope', other.id], NO_INCIDENT],
    ['this incident, clicked from a channel that is not its own', () => [at('CELSEWHERE', 'UMAL'), 'triage.impacted-scope', inc.id], NO_INCIDENT],
    ['an incident id that is not a uuid', () => [at(inc.room, 'UMAL'), 'triage.impacted-scope', 'not-a-uuid'], NO_INCIDENT],
    ['a step of a checklist not attached to this incident (recovery, before it is attached)', () => [at(inc.room, 'UMAL'), 'recovery.impact-stopped', inc.id], NO_STEP],
    ['a made-up step id', () => [at(inc.room, 'UMAL'), 'triage.made-up-step', inc.id], NO_STEP],
  ] as const)('refuses %s, and writes nothing', async (_name, claim, answer) => {
    const [who, itemId, incidentId] = claim() as [Actor, string, string];
    const before = await written();
    for (const verb of ['done', 'undo'] as const) await itemClick(who, verb, itemId, incidentId);
    const told = await t.slack.until(() => {
      const m = t.slack.called('chat.postEphemeral').filter((c) => c.body.user === 'UMAL' && c.body.channel === who.channel);
      expect(m).toHaveLength(2);
      return m;
    });
    for (const m of told) expect(m.body.text).toBe(answer);
    expect(await written()).toEqual(before);
    expect(t.slack.called('chat.update')).toHaveLength(0);
    expect(t.slack.called('chat.postMessage')).toHaveLength(0);
  });

  it('refuses a skip modal whose metadata names another workspace’s incident or another channel, beside the reason', async () => {
    const before = await written();
    const claims = [
      { team: 'T2', meta: { incidentId: inc.id, itemId: 'triage.impact-kind', roomId: inc.room } },
      { team: 'T1', meta: { incidentId: other.id, itemId: 'triage.impact-kind', roomId: other.room } },
      { team: 'T1', meta: { incidentId: inc.id, itemId: 'triage.impact-kind', roomId: 'CELSEWHERE' } },
      { team: 'T1', meta: { incidentId: inc.id, itemId: 'recovery.impact-stopped', roomId: inc.room } },
    ];
    for (const { team, meta } of claims) {
      const res = await postSigned(t.eventsUrl, skipSubmission(at(inc.room, 'UMAL', team), JSON.stringify(meta), { reason: 'sneaky' }));
      const answer = res.json() as { response_action: string; errors: Record<string, string> };
      expect(answer.response_action).toBe('errors');
      expect(answer.errors.reason).toMatch(/^(That incident does not exist here\.|That step is not part of this incident\.)$/);
    }
    expect(await written()).toEqual(before);
  });
});

describe('/incident playbook', () => {
  let inc: Incident;
  beforeAll(async () => {
    inc = await declare(ic, { title: 'Hash mismatch on stable', severity: 'SEV2', areas: ['distribution_activation'] });
  });

  it('lists the playbooks with their symptoms to the asker, each with an Attach button', async () => {
    const before = await written();
    const reply = await command(at(inc.room, 'UANY'), 'playbook');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Runbook playbooks (§6): 7, 0 attached.');
    const attach = actionIds(reply.blocks!).filter((a) => a!.startsWith('attach_playbook:'));
    expect(attach).toEqual(
      ['bad-release', 'verification-failure', 'schema-validation', 'reproducibility', 'rendering-correctness', 'execution', 'security-compromise'].map(
        (id) => `attach_playbook:${id}`,
      ),
    );
    for (const b of reply.blocks!) if (b.accessory) expect(b.accessory.value).toBe(inc.id);
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('“Signature/hash mismatch”');
    expect(text).toContain('6.2 Verification failures (signature/hash mismatch)');
    expect(await written()).toEqual(before);
  });

  it('attaches and posts 6.2, and asks the IC to raise the severity to SEV1', async () => {
    const reply = await command(at(inc.room, 'UANY'), 'playbook 6.2');
    expect(reply).toMatchObject({ response_type: 'ephemeral', text: 'Attached Verification failures (signature/hash mismatch).' });
    const posted = await t.slack.until(() => {
      const p = postedChecklist(inc.room, 'verification-failure.');
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    expect(JSON.stringify(posted.body.blocks)).toContain('Playbook 6.2: Verification failures (signature/hash mismatch)');
    await t.slack.until(async () => expect(await messageIds(inc.id, 'verification-failure')).toEqual([posted.response!.ts]));
    expect((await events(inc.id, 'checklist.attached')).map((e) => [e.actor, e.data])).toEqual([
      ['UIC', { checklistId: 'triage' }],
      ['UANY', { checklistId: 'verification-failure' }],
    ]);
    const prompt = await t.slack.until(() => {
      const p = t.slack.called('chat.postMessage').find((c) => c.body.channel === inc.room && JSON.stringify(c.body.blocks ?? []).includes('raise_severity:'));
      expect(p).toBeDefined();
      return p!;
    });
    expect(prompt.body.text).toContain(`Incident #${inc.number} is SEV2, but playbook Verification failures (signature/hash mismatch) calls for SEV1 or higher.`);
    const buttons = (prompt.body.blocks as Block[]).flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => [b.action_id, b.text?.text, b.value])).toEqual([
      ['raise_severity:SEV1', 'Raise to SEV1', inc.id],
      ['raise_severity:SEV0', 'Raise to SEV0', inc.id],
    ]);
    // Asking again attaches nothing more.
    expect((await command(at(inc.room, 'UANY'), 'playbook verification-failure')).text).toContain('already attached');
  });

  it('refuses "Raise to SEV1" from someone other than the IC', async () => {
    const before = await written();
    await postSigned(t.eventsUrl, buttonClick(at(inc.room, 'UANY'), 'raise_severity:SEV1', inc.id, t.responseUrl));
    expect((await ephemeralTo('UANY', inc.room)).body.text).toContain('Only the Incident Commander (<@UIC>) can change the severity.');
    expect((await t.db.incident.findUniqueOrThrow({ where: { id: inc.id } })).severity).toBe('SEV2');
    expect(await written()).toEqual(before);
    expect(t.slack.called('chat.update')).toHaveLength(0);
  });

  it('raises the severity when the IC clicks "Raise to SEV1": the row, the timeline and the header', async () => {
    await postSigned(t.eventsUrl, buttonClick(at(inc.room, 'UIC'), 'raise_severity:SEV1', inc.id, t.responseUrl));
    await t.slack.until(async () => expect((await t.db.incident.findUniqueOrThrow({ where: { id: inc.id } })).severity).toBe('SEV1'));
    const [changed] = await events(inc.id, 'severity.changed');
    expect(changed!.actor).toBe('UIC');
    expect(changed!.data).toEqual({ from: 'SEV2', to: 'SEV1', reason: 'raised from a playbook prompt' });
    const header = await t.slack.until(() => {
      const u = t.slack.called('chat.update').find((c) => c.body.ts === inc.header);
      expect(u).toBeDefined();
      return u!;
    });
    expect(header.body.channel).toBe(inc.room);
    expect(JSON.stringify(header.body.blocks)).toContain('SEV1: System-wide outage');
    await t.slack.until(() =>
      expect(t.slack.called('chat.postMessage').some((c) => c.body.channel === inc.room && String(c.body.text).includes('Severity raised from SEV2 to *SEV1* by <@UIC>'))).toBe(true),
    );
  });

  it('attaches a playbook from the list’s Attach button, and refuses one clicked from another channel', async () => {
    const before = await written();
    await postSigned(t.eventsUrl, buttonClick(at('CELSEWHERE', 'UANY'), 'attach_playbook:bad-release', inc.id, t.responseUrl));
    await ephemeralTo('UANY', 'CELSEWHERE');
    expect(await written()).toEqual(before);

    await postSigned(t.eventsUrl, buttonClick(at(inc.room, 'UANY'), 'attach_playbook:bad-release', inc.id, t.responseUrl));
    const posted = await t.slack.until(() => {
      const p = postedChecklist(inc.room, 'bad-release.');
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    await t.slack.until(async () => expect(await messageIds(inc.id, 'bad-release')).toEqual([posted.response!.ts]));
    // 6.1 has no escalation note: no prompt.
    expect(t.slack.called('chat.postMessage').filter((c) => JSON.stringify(c.body.blocks ?? []).includes('raise_severity:'))).toHaveLength(0);
  });
});

describe('declare with a symptom', () => {
  it('attaches and posts the matching playbook at declare, with the escalation prompt', async () => {
    const inc = await declare(ic, { title: 'Signatures failing for acme', severity: 'SEV2' }, 'signature-mismatch');
    const lists = await t.db.incidentChecklist.findMany({ where: { incidentId: inc.id }, orderBy: { attachedAt: 'asc' } });
    expect(lists.map((l) => l.checklistId).sort()).toEqual(['triage', 'verification-failure']);
    const posted = postedChecklist(inc.room, 'verification-failure.');
    expect(posted).toHaveLength(1);
    expect(await messageIds(inc.id, 'verification-failure')).toEqual([posted[0]!.response!.ts]);
    expect(postedChecklist(inc.room, 'triage.')).toHaveLength(1);
    const [declared] = await events(inc.id, 'incident.declared');
    expect(declared!.data).toMatchObject({ symptom: 'Signature/hash mismatch' });
    expect((await events(inc.id, 'checklist.attached')).map((e) => e.data)).toEqual([{ checklistId: 'triage' }, { checklistId: 'verification-failure' }]);
    expect(t.slack.called('chat.postMessage').some((c) => c.body.channel === inc.room && JSON.stringify(c.body.blocks ?? []).includes('raise_severity:SEV1'))).toBe(true);
    // The playbook's steps can be ticked straight away (by their owner or the IC).
    await itemClick(at(inc.room, 'UIC'), 'done', 'verification-failure.identify-failed-step', inc.id);
    await t.slack.until(async () => expect(await item(inc.id, 'verification-failure.identify-failed-step')).toMatchObject({ status: 'done', actor: 'UIC' }));
    await updateOf(inc.room, posted[0]!.response!.ts as string, 'verification-failure.identify-failed-step', (line) => expect(line).toContain('Done by <@UIC>'));
  });

  it('answers a symptom that is not in §10 beside the symptom field, and declares nothing', async () => {
    const before = await t.db.incident.count();
    const res = await postSigned(t.eventsUrl, declareBody(ic, nextView(), { title: 'Odd symptom', severity: 'SEV3' }, 'made-up-symptom'));
    const answer = res.json() as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(answer.errors.symptom).toContain('Pick a symptom from the list (runbook §10).');
    expect(await t.db.incident.count()).toBe(before);
  });
});

describe('/incident checklist', () => {
  let inc: Incident;
  beforeAll(async () => {
    inc = await declare(ic, { title: 'Recovery drill', severity: 'SEV3' });
    // §8 steps without owner need the Operations Lead (or the IC).
    await command(at(inc.room, 'UIC'), 'assign ops <@UANY>');
  });

  it('attaches and posts the recovery checklist by name, whose steps can then be ticked', async () => {
    const reply = await command(at(inc.room, 'UANY'), 'checklist recovery');
    expect(reply).toMatchObject({ response_type: 'ephemeral', text: 'Posting Recovery and validation below.' });
    const posted = await t.slack.until(() => {
      const p = postedChecklist(inc.room, 'recovery.');
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    const blocks = posted.body.blocks as Block[];
    expect(JSON.stringify(blocks)).toContain('Recovery and validation (§8)');
    expect(blocks.filter((b) => b.block_id?.startsWith('item:recovery.'))).toHaveLength(5);
    await t.slack.until(async () => expect(await messageIds(inc.id, 'recovery')).toEqual([posted.response!.ts]));
    expect((await events(inc.id, 'checklist.attached')).map((e) => [e.actor, e.data])).toEqual([
      ['UIC', { checklistId: 'triage' }],
      ['UANY', { checklistId: 'recovery' }],
    ]);

    await itemClick(at(inc.room, 'UANY'), 'done', 'recovery.impact-stopped', inc.id);
    await t.slack.until(async () => expect(await item(inc.id, 'recovery.impact-stopped')).toMatchObject({ status: 'done', actor: 'UANY' }));
    await updateOf(inc.room, posted.response!.ts as string, 'recovery.impact-stopped', (line) => expect(line).toContain('Done by <@UANY>'));
  });

  it('re-posts every attached checklist in its current state, records the new messages, and writes no event', async () => {
    const oldTriage = await messageIds(inc.id, 'triage');
    await itemClick(at(inc.room, 'UANY'), 'done', 'triage.impacted-scope', inc.id);
    await updateOf(inc.room, oldTriage[0]!, 'triage.impacted-scope', (line) => expect(line).toContain('Done by <@UANY>'));
    t.slack.calls.length = 0;
    const eventsBefore = await t.db.timelineEvent.count({ where: { incidentId: inc.id } });

    const reply = await command(at(inc.room, 'UANY'), 'checklist');
    expect(reply.text).toBe('Posting Triage checklist (first 10 minutes), Recovery and validation below.');
    const [triage, recovery] = await t.slack.until(() => {
      const tr = postedChecklist(inc.room, 'triage.');
      const re = postedChecklist(inc.room, 'recovery.');
      expect([tr.length, re.length]).toEqual([1, 1]);
      return [tr[0]!, re[0]!];
    });
    expect(itemLine(triage.body.blocks as Block[], 'triage.impacted-scope')).toMatch(DONE_LINE);
    expect(itemLine(recovery.body.blocks as Block[], 'recovery.impact-stopped')).toContain('Done by <@UANY>');
    await t.slack.until(async () => {
      expect(await messageIds(inc.id, 'triage')).toEqual([triage.response!.ts]);
      expect(await messageIds(inc.id, 'recovery')).toEqual([recovery.response!.ts]);
    });
    expect(triage.response!.ts).not.toEqual(oldTriage[0]);
    expect(await t.db.timelineEvent.count({ where: { incidentId: inc.id } })).toBe(eventsBefore);

    // The next click updates the messages just posted.
    await itemClick(at(inc.room, 'UANY'), 'done', 'triage.impact-kind', inc.id);
    await updateOf(inc.room, triage.response!.ts as string, 'triage.impact-kind', (line) => expect(line).toContain('Done by <@UANY>'));
    // The replaced message was retired once (no buttons, a pointer below) and its pin removed; it is not refreshed again.
    const oldUpdates = t.slack.called('chat.update').filter((c) => c.body.ts === oldTriage[0]);
    expect(oldUpdates).toHaveLength(1);
    expect(oldUpdates[0]!.body.text).toContain('moved to a newer message below');
    expect(oldUpdates[0]!.body.blocks ?? []).toEqual([]);
    expect(t.slack.called('pins.remove').map((c) => c.body.timestamp)).toEqual([oldTriage[0]]);
  });

  it('answers a name that is not a checklist with the ones that are, and attaches nothing', async () => {
    const before = await written();
    const reply = await command(at(inc.room, 'UANY'), 'checklist nope');
    expect(reply.text).toContain('"nope" is not a runbook checklist. Use one of: triage, bad-release');
    expect(await written()).toEqual(before);
  });
});
