// The §2 gates that issue 12 found missing, over signed HTTP against the real server: a lift that fails
// leaves the freeze in force and can be tried again (D1); a request nobody approves expires by itself,
// said in the channel (D2); a channel or environment outside the incident's scope is refused live (D4);
// and at SEV1 with integrity uncertain, lifting a freeze waits for the §6.2 verification and a second
// person (fail closed). The receiver verifies every delivery with `standardwebhooks`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActionCatalog } from '../../src/core/actions/catalog.js';
import { actionHarness, at, type Incident } from '../support/action-harness.js';
import { Receiver } from '../support/action-receiver.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import type { Actor } from '../support/slack-requests.js';

const MINUTE = 60_000;
const HOOK_SECRET = `whsec_${Buffer.from('gates-secret-0123456789abcdef').toString('base64')}`;
const IC = 'UIC';
const OPS = 'UOPS';
const CATALOG = loadActionCatalog();
const VERIFICATION_STEPS = [
  'verification-failure.identify-failed-step',
  'verification-failure.confirm-trust-roots',
  'verification-failure.refetch-trusted-path',
  'verification-failure.quarantine-artifacts',
  'verification-failure.deploy-corrected-roots',
];

let t: TestBot;
let hook: Receiver;
const general: Actor = { team: 'T1', user: IC, channel: 'CGENERAL' };
const { mark, postsIn, blocksOf, buttons, declare, command, click, submitRequest, refusedSubmission, events, requests, requestBySeq, untilStatus, ephemeral, lastHeader, chainIntact } =
  actionHarness(() => t, CATALOG, general);

beforeAll(async () => {
  hook = await new Receiver(HOOK_SECRET).start();
  t = await startTestBot({ actionWebhook: { url: hook.url, secret: HOOK_SECRET, actions: ['freeze-publish-activation', 'rollback-to-lkg'] } });
});
afterAll(async () => {
  await hook?.stop();
  await t?.stop();
});

const forceBlock = (inc: Incident, requestId: string) => blocksOf(lastHeader(inc)!).find((b) => b.block_id === `force:${requestId}`);
const roomTexts = (from: number, inc: Incident) => postsIn(from, inc.room).map((c) => String(c.body.text));

/** A freeze requested by the Ops lead and applied by the webhook; returns its stored request. */
async function freezeInForce(inc: Incident) {
  const res = await submitRequest(at(inc.room, OPS), inc.room, 'freeze-publish-activation', { tenant: 'acme', channel: 'stable' });
  expect(res.body).toBe('');
  const seq = (await requests(inc.id)).length;
  return untilStatus(inc.id, seq, 'succeeded');
}

describe('D1: a lift that fails leaves the freeze in force', () => {
  let inc: Incident;
  beforeAll(async () => {
    inc = await declare('Publish freeze on acme', 'SEV2', { tenants: 'acme', channels: 'stable' });
    expect((await command(at(inc.room, IC), `assign ops <@${OPS}>`)).text).toContain('is now Operations Lead');
  });

  it('the receiver answers 503 to the lift: recorded failed, still in force on the header and in the overview, with a Retry; the retry lifts it', async () => {
    const freeze = await freezeInForce(inc);
    hook.hits.length = 0;
    hook.next(...Array.from({ length: 4 }, () => ({ status: 503, body: 'frozen for maintenance' })));
    let m = mark();
    await click(at(inc.room, IC), `lift_action:${freeze.id}`, freeze.id);
    await t.slack.until(async () => expect(await events(inc.id, 'action.lift_failed')).toHaveLength(1), 15_000);

    expect(hook.hits.map((h) => [h.key, h.signatureOk, h.answered])).toEqual(Array.from({ length: 4 }, () => [`${freeze.id}:lift`, true, 503]));
    const row = await requestBySeq(inc.id, freeze.seq);
    expect(row).toMatchObject({ liftedAt: null, liftedBy: null, liftStatus: 'failed', liftRequestedBy: IC });
    expect((await events(inc.id, 'action.lift_requested')).map((e) => e.actor)).toEqual([IC]);
    await t.slack.until(() => {
      expect(roomTexts(m, inc)).toContain(`<@${IC}> asked to lift #1 Freeze publish/activation (tenant: acme; channel: stable) requested by <@${OPS}> (Lift publish/activation freeze). It stays in force until the lift succeeds.`);
      expect(roomTexts(m, inc).some((x) => x.startsWith(':x: Lift publish/activation freeze (#1): *failed*.') && x.endsWith('It is still in force; the header offers to lift it again.'))).toBe(true);
      const block = forceBlock(inc, freeze.id);
      expect(block?.text?.text).toContain('The lift failed, so it is still in force');
      expect(block?.accessory).toMatchObject({ action_id: `lift_action:${freeze.id}`, text: { text: 'Retry: Lift publish/activation freeze' } });
    });
    expect((await command(at(inc.room, OPS), 'actions')).text).toBe(`${CATALOG.actions.length} containment actions, 0 awaiting approval, 1 in force`);

    // The retry goes through: now, and only now, the freeze is lifted.
    m = mark();
    await click(at(inc.room, OPS), `lift_action:${freeze.id}`, freeze.id);
    await t.slack.until(async () => expect((await requestBySeq(inc.id, freeze.seq)).liftStatus).toBe('succeeded'));
    expect(await requestBySeq(inc.id, freeze.seq)).toMatchObject({ liftedBy: OPS });
    expect(hook.hits.at(-1)).toMatchObject({ key: `${freeze.id}:lift`, answered: 200, body: { requestedBy: OPS, action: { id: 'freeze-publish-activation:lift', effects: ['unfreeze-publish', 'unfreeze-activation'] } } });
    await t.slack.until(() => {
      expect(roomTexts(m, inc).some((x) => x.startsWith(':white_check_mark: Lift publish/activation freeze (#1): *succeeded*.'))).toBe(true);
      expect(forceBlock(inc, freeze.id)).toBeUndefined();
    });
    expect((await command(at(inc.room, OPS), 'actions')).text).toBe(`${CATALOG.actions.length} containment actions, 0 awaiting approval, 0 in force`);
    await chainIntact(inc.id);
  });
});

describe('D4: scope is checked live', () => {
  let inc: Incident;
  beforeAll(async () => {
    inc = await declare('Activation failures on acme stable', 'SEV2', { tenants: 'acme', channels: 'stable', environments: 'prod-eu' });
    expect((await command(at(inc.room, IC), `assign ops <@${OPS}>`)).text).toContain('is now Operations Lead');
  });

  it('a channel, an environment or tenants outside the incident are refused and recorded; nothing runs', async () => {
    hook.hits.length = 0;
    const [, channel] = await refusedSubmission(await submitRequest(at(inc.room, OPS), inc.room, 'pause-auto-activation', { tenant: 'acme', channel: 'stable, beta' }));
    expect(channel).toBe(`:no_entry: Scope rule (§2): "beta" is not an impacted channel of this incident, so choose from stable for Channel(s) (channel), or add it to the incident's scope first.`);
    const [, env] = await refusedSubmission(await submitRequest(at(inc.room, OPS), inc.room, 'pause-auto-activation', { tenant: 'acme', channel: 'stable', environment: 'prod-us' }));
    expect(env).toContain('"prod-us" is not an impacted environment of this incident');
    const [, three] = await refusedSubmission(await submitRequest(at(inc.room, IC), inc.room, 'freeze-publish-activation', { tenant: 'acme, globex, initech', channel: 'stable' }));
    expect(three).toContain('Tenant isolation rule (§2): one request acts on one tenant');

    expect((await events(inc.id, 'action.refused')).map((e) => (e.data as { rule: string }).rule)).toEqual(['scope', 'scope', 'tenant']);
    expect(await requests(inc.id)).toEqual([]);
    expect(hook.hits).toEqual([]);
  });
});

describe('fail closed: lifting a freeze at SEV1 with integrity uncertain', () => {
  let inc: Incident;
  beforeAll(async () => {
    inc = await declare('Suspected tampering on acme', 'SEV1', { tenants: 'acme', channels: 'stable', uncertain: true });
    expect((await command(at(inc.room, IC), `assign ops <@${OPS}>`)).text).toContain('is now Operations Lead');
  });

  it('waits for the §6.2 verification, then for a second person; the requester cannot approve; the approved lift carries both names', async () => {
    const freeze = await freezeInForce(inc);
    hook.hits.length = 0;

    // The Ops lead alone, with §6.2 open: refused, recorded, nothing sent.
    let m = mark();
    await click(at(inc.room, OPS), `lift_action:${freeze.id}`, freeze.id);
    const refused = await ephemeral(m, OPS, inc.room);
    expect(refused).toMatch(
      /^:no_entry: Fail-closed rule \(§2, §6\.2\): at SEV1 with integrity or isolation uncertain, lifting "Freeze publish\/activation" waits for the §6\.2 verification: 5 steps are still open \("Identify which verification step failed/,
    );
    expect((await events(inc.id, 'action.lift_refused')).map((e) => e.actor)).toEqual([OPS]);
    expect(hook.hits).toEqual([]);

    // Settle the verification: attach §6.2 and mark its steps done.
    expect((await command(at(inc.room, IC), 'playbook 6.2')).text ?? '').not.toContain('not a playbook');
    await t.slack.until(async () => expect(await t.db.incidentChecklist.count({ where: { incidentId: inc.id, checklistId: 'verification-failure' } })).toBe(1));
    await Promise.all(VERIFICATION_STEPS.map((id) => click(at(inc.room, IC), `item:done:${id}`, inc.id)));
    await t.slack.until(async () => expect(await t.db.checklistItem.count({ where: { incidentId: inc.id, itemId: { in: VERIFICATION_STEPS }, status: 'done' } })).toBe(5));

    // Now the lift waits for a second person: Approve lift on the header and in the overview.
    m = mark();
    await click(at(inc.room, OPS), `lift_action:${freeze.id}`, freeze.id);
    const asked = await t.slack.until(() => {
      const p = postsIn(m, inc.room).filter((c) => String(c.body.text).includes('asked to lift'));
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    expect(asked.body.text).toBe(
      `<@${OPS}> asked to lift #1 Freeze publish/activation (tenant: acme; channel: stable) requested by <@${OPS}> (Lift publish/activation freeze). It fails closed, so a second person must approve (<@${IC}>) with Approve lift on the header; it stays in force until then.`,
    );
    const overview = await command(at(inc.room, IC), 'actions');
    expect(buttons(overview.blocks ?? []).filter((b) => b.action_id?.startsWith('approve_lift:')).map((b) => [b.action_id, b.value])).toEqual([[`approve_lift:${freeze.id}`, freeze.id]]);
    await t.slack.until(() => expect(forceBlock(inc, freeze.id)?.accessory).toMatchObject({ action_id: `approve_lift:${freeze.id}`, text: { text: 'Approve lift' } }));
    expect(await requestBySeq(inc.id, freeze.seq)).toMatchObject({ liftStatus: 'awaiting_approval', liftedAt: null });
    await t.bot.scheduler.tick();
    expect(hook.hits).toEqual([]);

    // The requester cannot be the second person.
    m = mark();
    await click(at(inc.room, OPS), `approve_lift:${freeze.id}`, freeze.id);
    expect(await ephemeral(m, OPS, inc.room)).toContain('Approval rule: you requested "Lift publish/activation freeze"');

    // The IC approves: the webhook undoes the freeze, told who asked, who approved and how severe it is.
    await click(at(inc.room, IC), `approve_lift:${freeze.id}`, freeze.id);
    await t.slack.until(async () => expect((await requestBySeq(inc.id, freeze.seq)).liftStatus).toBe('succeeded'));
    expect(hook.hits).toHaveLength(1);
    expect(hook.hits[0]).toMatchObject({
      key: `${freeze.id}:lift`,
      signatureOk: true,
      body: { requestedBy: OPS, approvedBy: IC, incident: { severity: 'SEV1', integrityUncertain: true }, action: { effects: ['unfreeze-publish', 'unfreeze-activation'] } },
    });
    expect(await requestBySeq(inc.id, freeze.seq)).toMatchObject({ liftedBy: OPS, liftApprovedBy: IC });
    const lifts = (await t.db.timelineEvent.findMany({ where: { incidentId: inc.id, type: { startsWith: 'action.lift' } }, orderBy: { seq: 'asc' } })).map((e) => [e.type, e.actor]);
    expect(lifts).toEqual([
      ['action.lift_refused', OPS],
      ['action.lift_requested', OPS],
      ['action.lift_approval_refused', OPS],
      ['action.lift_approved', IC],
      ['action.lift_requested', IC],
      ['action.lift_succeeded', null],
    ]);
    await chainIntact(inc.id);
  });
});

// Last: it moves the bot's clock past the approval window.
describe('D2: a request nobody approves expires by itself', () => {
  let inc: Incident;
  beforeAll(async () => {
    inc = await declare('Bad pack on acme stable', 'SEV1', { tenants: 'acme', channels: 'stable' });
    expect((await command(at(inc.room, IC), `assign ops <@${OPS}>`)).text).toContain('is now Operations Lead');
  });

  it('at its deadline the scheduler records action.expired and says so in the channel; a late Approve finds it expired', async () => {
    const reason = 'Every acme device is failing activation.';
    expect((await submitRequest(at(inc.room, IC), inc.room, 'rollback-to-lkg', { tenant: 'acme', channel: 'stable' }, reason)).body).toBe('');
    const req = await untilStatus(inc.id, 1, 'awaiting_approval');
    const job = await t.db.job.findFirstOrThrow({ where: { incidentId: inc.id, kind: 'action.expire' } });
    expect(job.dueAt.getTime()).toBe(req.requestedAt.getTime() + 15 * MINUTE);

    // Before the deadline, a tick changes nothing.
    await t.bot.scheduler.tick();
    expect((await requestBySeq(inc.id, 1)).status).toBe('awaiting_approval');

    t.clock.advance(req.requestedAt.getTime() + 15 * MINUTE + 1000 - t.clock.now().getTime());
    const m = mark();
    await t.bot.scheduler.tick();
    expect((await requestBySeq(inc.id, 1)).status).toBe('expired');
    const [expired] = await events(inc.id, 'action.expired');
    expect(expired!.actor).toBeNull();
    const said = (expired!.data as { reason: string }).reason;
    expect(said).toMatch(/^Request #1 expired at \d{4}-\d\d-\d\d \d\d:\d\d UTC: nobody approved it within 15 minutes, so nothing ran; request it again if it is still needed\.$/);
    await t.slack.until(() => expect(roomTexts(m, inc)).toContain(`:hourglass: #1 Roll back to last-known-good pack (tenant: acme; channel: stable) requested by <@${IC}>: ${said}`));
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).doneAt).not.toBeNull();

    const late = mark();
    await click(at(inc.room, OPS), 'approve_action', req.id);
    expect(await ephemeral(late, OPS, inc.room)).toContain('Request #1 is expired, not awaiting approval.');
    expect(await events(inc.id, 'action.expired')).toHaveLength(1);
    expect(hook.hits.filter((h) => h.body.requestId === req.id)).toEqual([]);
    await chainIntact(inc.id);
  });
});
