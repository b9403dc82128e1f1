// What a responder sees, over signed HTTP as Slack sends it: the status follows the work (investigating
// at the first triage step or action request, closed by the IC once the packet is complete); the
// header says where the incident stands (elapsed time, checklist progress, playbooks, the Orgo Case,
// freezes in force, the update cadence) and offers only the buttons its status allows, within Block
// Kit's limits; §8 steps without owner need the Operations Lead or the IC; "Raise to SEVn" prompts
// lose their buttons once they have done their job; §7.2 is checked before the external form opens;
// and a team's own runbook folder (RUNBOOK_DIR) is what the bot runs on and what runbook:check checks.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import { RUNBOOK_DIR, RunbookError } from '../../src/core/runbook/loader.js';
import type { Call } from '../fakes/slack-api.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait, type DeclaredIncident } from '../support/declared.js';
import { followupSubmission, requestSubmission } from '../support/slack-forms.js';
import { buttonClick, commandBody, postSigned, viewSubmission, type Actor } from '../support/slack-requests.js';
import { limitProblems, messageBlocksSchema } from '../unit/block-kit-limits.js';

const IC = 'UIC';
const OPS = 'UOPS';
const KON = 'UKON';
const BOB = 'UBOB';
const CASE = 'https://orgo.example/cases/77';
const CONTENT = loadContent();
const RECOVERY = CONTENT.runbook.recovery.sections.flatMap((s) => s.items);
const CASE_STEP = RECOVERY.find((i) => i.settledBy === 'orgo-case')!;
const BY_HAND = RECOVERY.filter((i) => i !== CASE_STEP);
const SCOPE = CONTENT.runbook.triage.sections.find((s) => s.id === 'identify-scope')!.items;

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: { text: string }[];
  accessory?: { action_id?: string };
  elements?: { action_id?: string; value?: string; text?: string }[];
};
type Reply = { response_type?: string; text?: string };

let t: TestBot;
let views = 0;
const general: Actor = { team: 'T1', user: IC, channel: 'CGENERAL' };
const at = (room: string, user: string): Actor => ({ team: 'T1', user, channel: room });

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

// ---- helpers ---------------------------------------------------------------------------------

const declare = (title: string, severity = 'SEV2') =>
  declareAndWait(t, general, `VRV${++views}`, { title, severity, areas: ['distribution_activation'], tenants: 'acme', channels: 'stable' });

async function command(who: Actor, text: string): Promise<Reply> {
  const res = await postSigned(t.eventsUrl, commandBody(who, text, t.responseUrl));
  expect(res.status).toBe(200);
  return res.body ? (res.json() as Reply) : {};
}

const click = (who: Actor, actionId: string, value: string, message?: { ts: string; text?: string; blocks?: unknown[] }) =>
  postSigned(t.eventsUrl, buttonClick(who, actionId, value, t.responseUrl, undefined, message));

const blocksOf = (c: Call) => (c.body.blocks ?? []) as Block[];
const textOf = (blocks: Block[]) => JSON.stringify(blocks);
const buttonsOf = (blocks: Block[]) => blocks.flatMap((b) => [...(b.elements ?? []).map((e) => e.action_id), b.accessory?.action_id]).filter(Boolean) as string[];

/** Every header the bot has posted or updated for the incident, oldest first. */
const headers = (inc: DeclaredIncident) =>
  t.slack.calls.filter((c) => c.body.channel === inc.room && ((c.method === 'chat.update' && c.body.ts === inc.header) || (c.method === 'chat.postMessage' && c.response?.ts === inc.header)));

/** Waits for a header of the incident that passes `check`, and returns its blocks. */
const headerWhere = (inc: DeclaredIncident, check: (blocks: Block[], text: string) => void) =>
  t.slack.until(() => {
    const h = headers(inc).at(-1);
    expect(h).toBeDefined();
    check(blocksOf(h!), String(h!.body.text));
    return blocksOf(h!);
  });

const ephemeralTo = (from: number, user: string, room: string) =>
  t.slack.until(() => {
    const m = t.slack.calls.slice(from).filter((c) => c.method === 'chat.postEphemeral' && c.body.user === user && c.body.channel === room);
    expect(m.length).toBeGreaterThan(0);
    return String(m.at(-1)!.body.text);
  });

const incidentRow = (id: string) => t.db.incident.findUniqueOrThrow({ where: { id } });
const events = (incidentId: string, type: string) => t.db.timelineEvent.findMany({ where: { incidentId, type }, orderBy: { seq: 'asc' } });
const stepOf = (incidentId: string, itemId: string) => t.db.checklistItem.findUnique({ where: { incidentId_itemId: { incidentId, itemId } } });

async function tick(inc: DeclaredIncident, user: string, itemId: string) {
  await click(at(inc.room, user), `item:done:${itemId}`, inc.id);
  await t.slack.until(async () => expect((await stepOf(inc.id, itemId))?.status).toBe('done'));
}

async function attachRecovery(inc: DeclaredIncident) {
  await command(at(inc.room, IC), 'checklist recovery');
  await t.slack.until(async () => expect(await t.db.incidentChecklist.count({ where: { incidentId: inc.id, checklistId: 'recovery' } })).toBe(1));
}

async function takeRole(inc: DeclaredIncident, user: string, role: string) {
  await click(at(inc.room, user), `take_role:${role}`, inc.id);
  await t.slack.until(async () => expect(await t.db.roleAssignment.count({ where: { incidentId: inc.id, userId: user, role: role as never, endedAt: null } })).toBe(1));
}

// ---- 1 and 2: status and the header ------------------------------------------------------------

describe('the status follows the work, and the header says where the incident stands', () => {
  let a: DeclaredIncident;
  beforeAll(async () => {
    a = await declare('Bad pack activated on stable');
  });

  it('a new incident is "declared": the header shows elapsed time, triage progress, no playbook, no case, the cadence and Post update', async () => {
    const blocks = await headerWhere(a, () => undefined);
    const text = textOf(blocks);
    expect(text).toContain('Declared: triage has not started yet.');
    expect(text).toMatch(/\*Elapsed\*\\n(under a minute|\d+ min) \(as of \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(text).toContain('§5 Triage checklist (first 10 minutes): 0/13');
    expect(text).toContain('*Playbooks*: _none attached_');
    expect(text).toContain('*Orgo Case*\\n_not recorded_');
    expect(text).toMatch(/Last update: none yet · Next due: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(buttonsOf(blocks)).toContain('open_update');
    expect(limitProblems(messageBlocksSchema, blocks)).toEqual([]);
  });

  it('moves to "investigating" at the first triage step, recorded once in the timeline; the header shows it and the progress', async () => {
    await tick(a, IC, SCOPE[0]!.id);
    await t.slack.until(async () => expect((await incidentRow(a.id)).status).toBe('investigating'));
    await tick(a, IC, SCOPE[1]!.id);
    expect((await events(a.id, 'incident.investigating')).map((e) => [e.actor, e.data])).toEqual([[IC, { by: 'triage-step', itemId: SCOPE[0]!.id }]]);
    const blocks = await headerWhere(a, (b, text) => {
      expect(text).toContain('investigating');
      expect(textOf(b)).toContain('§5 Triage checklist (first 10 minutes): 2/13');
    });
    expect(textOf(blocks)).toContain('Investigating: triage or containment is under way.');
  });

  it('lists each attached playbook with its progress, and the Orgo Case as a link once recorded', async () => {
    expect((await command(at(a.room, IC), 'playbook 6.1')).text).toContain('Attached');
    await headerWhere(a, (b) => {
      expect(textOf(b)).toMatch(/\*Playbooks\*: 6\.1 Bad release/);
      expect(textOf(b)).toMatch(/§6\.1 Bad release[^:]*: 0\/\d+/);
    });
    expect((await command(at(a.room, IC), `case ${CASE}`)).text).toContain('Orgo Case recorded');
    await headerWhere(a, (b) => expect(textOf(b)).toContain(`*Orgo Case*\\n<${CASE}|${CASE}>`));
  });

  it('a first accepted action request moves a declared incident to investigating; a freeze in force shows on the header with its Lift', async () => {
    const b = await declare('Activation loops on beta');
    expect((await command(at(b.room, IC), `assign ops <@${OPS}>`)).text).toContain('is now Operations Lead');
    const pause = CONTENT.actions.actions.find((x) => x.id === 'pause-auto-activation')!;
    const res = await postSigned(t.eventsUrl, requestSubmission(at(b.room, OPS), b.room, pause, { tenant: 'acme', channel: 'stable' }));
    expect(res.body).toBe('');
    await t.slack.until(async () => expect((await incidentRow(b.id)).status).toBe('investigating'));
    expect((await events(b.id, 'incident.investigating')).map((e) => [e.actor, e.data])).toEqual([[OPS, { by: 'action-request', actionId: 'pause-auto-activation' }]]);
    await headerWhere(b, (_b, text) => expect(text).toContain('investigating'));

    // Carried out by hand and confirmed: the pause is in force on the header, with its Lift button.
    const req = await t.slack.until(async () => {
      const r = await t.db.actionRequest.findFirst({ where: { incidentId: b.id, status: 'awaiting_confirmation' } });
      expect(r).not.toBeNull();
      return r!;
    });
    await click(at(b.room, OPS), 'confirm_action:done', req.id);
    const blocks = await headerWhere(b, (hb) => expect(hb.some((x) => x.block_id === `force:${req.id}`)).toBe(true));
    expect(textOf(blocks)).toContain(':lock: In force: ');
    expect(buttonsOf(blocks)).toContain(`lift_action:${req.id}`);
  });
});

// ---- 5: who may tick a §8 step -------------------------------------------------------------------

describe('the §8 steps that gate resolve', () => {
  let c: DeclaredIncident;
  beforeAll(async () => {
    c = await declare('Recovery checks on stable');
    await attachRecovery(c);
  });

  it('are refused to a lead of another role, saying how to get the right; taking the Operations Lead role on the header gives it', async () => {
    await takeRole(c, KON, 'konnaxion');
    const m = t.slack.calls.length;
    await click(at(c.room, KON), `item:done:${BY_HAND[0]!.id}`, c.id);
    expect(await ephemeralTo(m, KON, c.room)).toBe(
      `:warning: Only the Operations Lead (unfilled) or the Incident Commander (<@${IC}>) may tick, skip or undo this step. Take the role with "Take role" on the header, or ask the Incident Commander to assign it to you (assign ops).`,
    );
    expect(await stepOf(c.id, BY_HAND[0]!.id)).toBeNull();

    await takeRole(c, OPS, 'ops');
    await tick(c, OPS, BY_HAND[0]!.id);
    // Once the role is held, the refusal names the holder and points at the IC.
    const n = t.slack.calls.length;
    await click(at(c.room, KON), `item:done:${BY_HAND[1]!.id}`, c.id);
    expect(await ephemeralTo(n, KON, c.room)).toContain(`Only the Operations Lead (<@${OPS}>) or the Incident Commander (<@${IC}>) may tick, skip or undo this step. Ask the Incident Commander to assign it to you (assign ops).`);
  });

  it('recording the Orgo Case is refused to someone who may not tick its step, with how to get the right', async () => {
    const reply = await command(at(c.room, BOB), `case ${CASE}`);
    expect(reply.text).toContain('Only the Orgo Lead (unfilled) or the Incident Commander');
    expect(reply.text).toContain('"Take role" on the header');
    expect((await incidentRow(c.id)).orgoCaseUrl).toBeNull();
  });
});

// ---- 1: resolved and closed ------------------------------------------------------------------------

describe('resolve, then close', () => {
  let d: DeclaredIncident;
  beforeAll(async () => {
    d = await declare('Closing drill');
    await attachRecovery(d);
    for (const item of BY_HAND) await tick(d, IC, item.id);
    await command(at(d.room, IC), `case ${CASE}`);
    expect((await command(at(d.room, IC), 'resolve')).text).toContain('Done: resolved');
  });

  it('a resolved incident\'s header offers no Post update and says the packet is due', async () => {
    const blocks = await headerWhere(d, (_b, text) => expect(text).toMatch(/resolved after/));
    expect(buttonsOf(blocks)).not.toContain('open_update');
    expect(textOf(blocks)).toMatch(/the postmortem packet is due by \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(textOf(blocks)).toContain('No more updates are due.');
  });

  it('close is the IC\'s, and needs a complete packet: each missing part is named', async () => {
    expect((await command(at(d.room, BOB), 'close')).text).toContain(`Only the Incident Commander (<@${IC}>) can close the incident`);
    const refused = await command(at(d.room, IC), 'close');
    expect(refused.text).toContain('Not closed yet: the postmortem packet is incomplete (runbook §9.1)');
    for (const part of ['"Root cause: technical" is not written', "\"What didn't\" is not written", 'no corrective action is recorded']) expect(refused.text).toContain(part);
    expect((await incidentRow(d.id)).status).toBe('resolved');
    expect(await events(d.id, 'incident.closed')).toEqual([]);
  });

  it('with the packet complete, the IC closes it: status closed, recorded, postmortem reminders ended, and a header without buttons', async () => {
    const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
    await postSigned(
      t.eventsUrl,
      viewSubmission(at('', IC), {
        id: `VRV${++views}`,
        callbackId: 'postmortem_edit',
        privateMetadata: JSON.stringify({ roomId: d.room }),
        values: {
          rootCauseTechnical: text('A stale pack was promoted.'),
          rootCauseProcess: text('Promotion skipped the canary.'),
          whatWorked: text('Rollback.'),
          whatDidNot: text('Paging.'),
          rootCauseVerified: { value: { type: 'checkboxes', selected_options: [] } },
        },
      }),
    );
    await postSigned(t.eventsUrl, followupSubmission(at('', IC), JSON.stringify({ roomId: d.room }), { title: 'Canary every promotion', owner: OPS, dueOn: '2030-01-31' }));
    const reply = await command(at(d.room, IC), 'close');
    expect(reply.text).toBe('Done: closed.');
    expect((await incidentRow(d.id)).status).toBe('closed');
    expect((await events(d.id, 'incident.closed')).map((e) => e.actor)).toEqual([IC]);
    expect(await t.db.job.count({ where: { incidentId: d.id, kind: { in: ['postmortem.reminder', 'postmortem.overdue'] }, doneAt: null } })).toBe(0);
    const blocks = await headerWhere(d, (_b, t2) => expect(t2).toContain('closed'));
    expect(buttonsOf(blocks)).toEqual([]);
    expect(textOf(blocks)).toContain('Closed: the postmortem packet is complete.');
    expect((await command(at(d.room, IC), 'close')).text).toBe('Nothing to change.');
  });
});

// ---- 6: gates before forms, prompts that have done their job ----------------------------------------

describe('gates before forms', () => {
  it('/incident external opens its form once §7.2 holds: scope confirmed and a mitigation path', async () => {
    const e = await declare('External drill');
    for (const step of SCOPE) await tick(e, IC, step.id);
    const m = t.slack.calls.length;
    const before = await command(at(e.room, IC), 'external');
    expect(before.text).toContain('no mitigation path exists yet');
    expect(t.slack.calls.slice(m).filter((c) => c.method === 'views.open')).toEqual([]);
    await command(at(e.room, IC), 'mitigate');
    expect((await command(at(e.room, IC), 'external')).text ?? '').toBe('');
    await t.slack.until(() => expect(t.slack.calls.slice(m).filter((c) => c.method === 'views.open' && (c.body.view as { callback_id: string }).callback_id === 'external_draft')).toHaveLength(1));
  });

  it('"Raise to SEVn" prompts lose their buttons once the raise happened, or when it is moot; a prompt never lowers the severity', async () => {
    const f = await declare('Hash mismatch on stable');
    const m = t.slack.calls.length;
    await command(at(f.room, IC), 'playbook 6.2');
    const prompt = await t.slack.until(() => {
      const p = t.slack.calls.slice(m).find((c) => c.method === 'chat.postMessage' && c.body.channel === f.room && buttonsOf(blocksOf(c)).includes('raise_severity:SEV1'));
      expect(p).toBeDefined();
      return p!;
    });
    const message = { ts: String(prompt.response!.ts), text: String(prompt.body.text), blocks: blocksOf(prompt) };
    const retired = (from: number) =>
      t.slack.until(() => {
        const u = t.slack.calls.slice(from).find((c) => c.method === 'chat.update' && c.body.ts === message.ts);
        expect(u).toBeDefined();
        return blocksOf(u!);
      });

    // Someone else's click changes nothing: the buttons stay for the IC.
    let n = t.slack.calls.length;
    await click(at(f.room, BOB), 'raise_severity:SEV1', f.id, message);
    expect(await ephemeralTo(n, BOB, f.room)).toContain('Only the Incident Commander');
    expect(t.slack.calls.slice(n).filter((c) => c.method === 'chat.update' && c.body.ts === message.ts)).toEqual([]);

    n = t.slack.calls.length;
    await click(at(f.room, IC), 'raise_severity:SEV1', f.id, message);
    const after = await retired(n);
    expect(buttonsOf(after)).toEqual([]);
    expect(textOf(after)).toContain('calls for SEV1 or higher; incident');
    expect(textOf(after)).toContain('is already SEV1');
    expect((await incidentRow(f.id)).severity).toBe('SEV1');
    expect(limitProblems(messageBlocksSchema, after)).toEqual([]);

    // The same prompt clicked again (an old copy), after a raise to SEV0 by command: moot, and not lowered.
    await command(at(f.room, IC), 'severity SEV0 spreading to every tenant');
    n = t.slack.calls.length;
    await click(at(f.room, IC), 'raise_severity:SEV1', f.id, message);
    const moot = await retired(n);
    expect(buttonsOf(moot)).toEqual([]);
    expect(textOf(moot)).toContain('calls for SEV1 or higher; incident');
    expect((await incidentRow(f.id)).severity).toBe('SEV0');
    expect(await ephemeralTo(n, IC, f.room)).toContain('already SEV0');
  });
});

// ---- 8: the team's own runbook ---------------------------------------------------------------------

describe("the team's own runbook (RUNBOOK_DIR)", () => {
  const run = promisify(execFile);
  const check = (dir: string) =>
    run(process.execPath, ['--import', 'tsx', path.resolve('src/cli/runbook-check.ts'), dir]).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  let dir: string;
  let own: TestBot;
  const WORDING = 'Which of our tenants are hit, and where? (team wording)';
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-'));
    cpSync(RUNBOOK_DIR, dir, { recursive: true });
    const triage = path.join(dir, 'checklists', 'triage.yaml');
    writeFileSync(triage, readFileSync(triage, 'utf8').replace(SCOPE[0]!.text, WORDING));
    const cadence = path.join(dir, 'cadence.yaml');
    writeFileSync(cadence, readFileSync(cadence, 'utf8').replace(/SEV2: 30/, 'SEV2: 20'));
    own = await startTestBot({ runbookDir: dir });
  });
  afterAll(async () => {
    await own?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the bot runs on the folder: its triage wording in the channel, its cadence for the reminders', async () => {
    const inc = await declareAndWait(own, general, 'VOWN1', { title: 'Own runbook', severity: 'SEV2' });
    const posted = own.slack.called('chat.postMessage').filter((c) => c.body.channel === inc.room);
    expect(posted.some((c) => textOf(blocksOf(c)).includes(WORDING))).toBe(true);
    expect(posted.some((c) => textOf(blocksOf(c)).includes(SCOPE[0]!.text))).toBe(false);
    const [job] = await own.db.job.findMany({ where: { incidentId: inc.id, kind: 'update.reminder' } });
    expect(job!.dueAt.getTime() - inc.declaredAt.getTime()).toBe(20 * 60_000);
  });

  it('runbook:check accepts the folder, and refuses a broken one with the error start-up gives, naming the file, the item and the rule', async () => {
    const ok = await check(dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`${dir}: valid.`);

    const recovery = path.join(dir, 'checklists', 'recovery.yaml');
    writeFileSync(recovery, readFileSync(recovery, 'utf8').replace('        owner: ops', '        owner: opz'));
    const startUp = (() => {
      try {
        loadContent(dir);
      } catch (e) {
        expect(e).toBeInstanceOf(RunbookError);
        return e as RunbookError;
      }
      throw new Error('start-up accepted a broken runbook');
    })();
    const bad = await check(dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(startUp.message);
    expect(bad.stderr).toContain(recovery);
    expect(bad.stderr).toContain('item "recovery.stable-state": owner "opz" is not a role');
  });
});
