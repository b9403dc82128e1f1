// Containment actions (§6) from an incident channel over signed HTTP, behind the §2 gates: the
// `/incident actions` overview and the Run form prefilled from the incident; refusals by role, tenant
// isolation and evidence first (with the IC's written override); the second person's approval at SEV1
// (never the requester) and its expiry; execution through a signed webhook against a local receiver
// (retries, a final 4xx, a lease that expires mid-call and is re-driven with the same idempotency
// key); manual confirmation by the requester; and a freeze in force on the header with its gated Lift.
// Each test checks what a responder sees, what the receiver got and the rows written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActionCatalog } from '../../src/core/actions/catalog.js';
import { actionHarness, at, type Block, type Incident } from '../support/action-harness.js';
import { Receiver } from '../support/action-receiver.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import type { Actor } from '../support/slack-requests.js';

const MINUTE = 60_000;
const HOOK_SECRET = `whsec_${Buffer.from('hook-secret-0123456789abcdef').toString('base64')}`;
/** Actions sent to the webhook; every other one is confirmed by hand. */
const WEBHOOK_ACTIONS = ['rollback-to-lkg', 'freeze-publish-activation', 'halt-dispatch'];
const IC = 'UIC';
const OPS = 'UOPS';
const SEC = 'USEC';
const CATALOG = loadActionCatalog();

// ---- the bot -----------------------------------------------------------------------------------

let t: TestBot;
let hook: Receiver;
const general: Actor = { team: 'T1', user: IC, channel: 'CGENERAL' };
const { mark, since, postsIn, blocksOf, buttons, declare, command, click, submitRequest, refusedSubmission, events, actionEvents, requests, requestBySeq, untilStatus, ephemeral, lastHeader, chainIntact } =
  actionHarness(() => t, CATALOG, general);

beforeAll(async () => {
  hook = await new Receiver(HOOK_SECRET).start();
  t = await startTestBot({ actionWebhook: { url: hook.url, secret: HOOK_SECRET, actions: WEBHOOK_ACTIONS } });
});
afterAll(async () => {
  await hook?.stop();
  await t?.stop();
});

const EVIDENCE_STEPS = [
  'triage.snapshot-build-record',
  'triage.snapshot-validation-reports',
  'triage.snapshot-pack-manifest',
  'triage.snapshot-activation-state',
  'triage.snapshot-render-bundles',
  'triage.snapshot-execution-telemetry',
  'triage.snapshot-trust-roots',
];

// ---- a SEV1 incident: gates, approval, webhook --------------------------------------------------

describe('a SEV1 incident on one tenant', () => {
  let a: Incident;
  beforeAll(async () => {
    a = await declare('Bad pack activated on stable', 'SEV1', { tenants: 'acme', channels: 'stable', environments: 'prod-eu' });
    expect((await command(at(a.room, IC), `assign ops <@${OPS}>`)).text).toContain(`<@${OPS}> is now Operations Lead`);
    expect((await command(at(a.room, IC), `assign sec <@${SEC}>`)).text).toContain(`<@${SEC}> is now Security Lead`);
  });

  it('`/incident actions` lists every catalog action with a Run button; Run opens the form prefilled from the incident', async () => {
    const reply = await command(at(a.room, OPS), 'actions');
    expect(reply.text).toBe(`${CATALOG.actions.length} containment actions, 0 awaiting approval, 0 in force`);
    const runs = buttons(reply.blocks ?? []).filter((b) => b.action_id?.startsWith('run_action:'));
    expect(runs.map((b) => [b.action_id, b.value, b.text?.text])).toEqual(CATALOG.actions.map((x) => [`run_action:${x.id}`, x.id, 'Run']));
    expect(CATALOG.actions.map((x) => x.id)).toEqual(expect.arrayContaining(['pause-auto-activation', 'rollback-to-lkg', 'quarantine-release', 'freeze-publish-activation', 'rotate-keys', 'halt-dispatch']));
    expect(JSON.stringify(reply.blocks)).toContain('*Roll back to last-known-good pack* (§6.1) · destructive');

    const m = mark();
    expect((await click(at(a.room, OPS), 'run_action:rollback-to-lkg', 'rollback-to-lkg')).status).toBe(200);
    const opened = await t.slack.until(() => {
      const o = since(m, 'views.open');
      expect(o).toHaveLength(1);
      return o[0]!;
    });
    expect(opened.body.trigger_id).toBe('trigger-click');
    const view = opened.body.view as { callback_id: string; private_metadata: string; blocks: Block[] };
    expect(view.callback_id).toBe('action_request');
    expect(JSON.parse(view.private_metadata)).toEqual({ roomId: a.room, actionId: 'rollback-to-lkg' });
    const input = (name: string) => view.blocks.find((b) => b.block_id === name);
    expect(input('param:tenant')?.element).toMatchObject({ type: 'plain_text_input', action_id: 'value', initial_value: 'acme' });
    expect(input('param:channel')?.element).toMatchObject({ type: 'plain_text_input', initial_value: 'stable' });
    expect(input('param:environment')?.element).toMatchObject({ initial_value: 'prod-eu' });
    expect(input('param:targets')?.element?.initial_value).toBeUndefined();
    expect(input('param:targets')?.optional).toBe(true);
    expect(input('override')).toBeDefined();

    // A non-destructive action has no override box; an enum parameter is a select of its values.
    await click(at(a.room, OPS), 'run_action:isolate-tasks', 'isolate-tasks');
    await click(at(a.room, OPS), 'run_action:pause-auto-activation', 'pause-auto-activation');
    const [isolate, pause] = await t.slack.until(() => {
      const o = since(m, 'views.open');
      expect(o).toHaveLength(3);
      return o.slice(1).map((c) => c.body.view as { private_metadata: string; blocks: Block[] }).sort((x, y) => x.private_metadata.localeCompare(y.private_metadata));
    });
    expect(isolate!.blocks.find((b) => b.block_id === 'param:mode')?.element).toMatchObject({ type: 'static_select', options: [{ value: 'isolate' }, { value: 'cancel' }] });
    expect(pause!.blocks.find((b) => b.block_id === 'override')).toBeUndefined();
    expect(pause!.blocks.find((b) => b.block_id === 'param:tenant')?.element?.initial_value).toBe('acme');
    // Nothing was requested by opening forms.
    expect(await requests(a.id)).toEqual([]);
  });

  it('refuses a request from someone without an owning role (the Security Lead, a bystander): the role rule beside the form, action.refused, no request row', async () => {
    const m = mark();
    const [block, error] = await refusedSubmission(await submitRequest(at(a.room, SEC), a.room, 'rollback-to-lkg', { tenant: 'acme', channel: 'stable' }));
    expect(block).toBe('param:tenant');
    expect(error).toMatch(/^:no_entry: Role rule \(§3\): only the Operations Lead \(<@UOPS>\), the Konnaxion Lead \(unfilled\) or the Incident Commander \(<@UIC>\) may request "Roll back to last-known-good pack"/);

    const [, bystander] = await refusedSubmission(await submitRequest(at(a.room, 'URANDOM'), a.room, 'pause-auto-activation', { tenant: 'acme', channel: 'stable' }));
    expect(bystander).toContain('Role rule (§3)');
    expect(bystander).toContain('"Pause auto-activation"');

    const refused = await events(a.id, 'action.refused');
    expect(refused.map((e) => [e.actor, (e.data as { actionId: string }).actionId, (e.data as { rule: string }).rule])).toEqual([
      [SEC, 'rollback-to-lkg', 'role'],
      ['URANDOM', 'pause-auto-activation', 'role'],
    ]);
    expect((refused[0]!.data as { reason: string }).reason).toBe(error.replace(':no_entry: ', ''));
    expect(await requests(a.id)).toEqual([]);
    expect(await t.db.job.count({ where: { incidentId: a.id, kind: 'action.execute' } })).toBe(0);
    expect(postsIn(m, a.room)).toEqual([]);
  });

  it('refuses a tenant the incident does not list, and a request naming two tenants: tenant isolation, recorded', async () => {
    const [, notImpacted] = await refusedSubmission(await submitRequest(at(a.room, OPS), a.room, 'pause-auto-activation', { tenant: 'globex', channel: 'stable' }));
    expect(notImpacted).toBe(
      `:no_entry: Tenant isolation rule (§2): "globex" is not an impacted tenant of this incident, so choose one of the incident's impacted tenants (acme), or add "globex" to the incident's scope first.`,
    );
    const [, two] = await refusedSubmission(await submitRequest(at(a.room, OPS), a.room, 'pause-auto-activation', { tenant: 'acme, globex', channel: 'stable' }));
    expect(two).toContain('Tenant isolation rule (§2): one request acts on one tenant');
    // Even the IC cannot act on every tenant at once.
    const [, all] = await refusedSubmission(await submitRequest(at(a.room, IC), a.room, 'freeze-publish-activation', { tenant: '*', channel: 'stable' }));
    expect(all).toContain('Tenant isolation rule (§2)');

    const refused = (await events(a.id, 'action.refused')).slice(2);
    expect(refused.map((e) => [e.actor, (e.data as { rule: string }).rule])).toEqual([
      [OPS, 'tenant'],
      [OPS, 'tenant'],
      [IC, 'tenant'],
    ]);
    expect(await requests(a.id)).toEqual([]);
    expect(hook.hits).toEqual([]);
  });

  it('evidence first: a destructive action is refused while §5.3 steps are open, a lead cannot override, the IC can with a written reason', async () => {
    const form = { tenant: 'acme', channel: 'stable', environment: 'prod-eu' };
    const [block, error] = await refusedSubmission(await submitRequest(at(a.room, OPS), a.room, 'rollback-to-lkg', form));
    expect(block).toBe('override');
    expect(error).toMatch(/^:no_entry: Evidence-first rule \(§2, §5\.3\): "Roll back to last-known-good pack" is destructive and 7 evidence snapshot steps are still open/);
    const [, leadOverride] = await refusedSubmission(await submitRequest(at(a.room, OPS), a.room, 'rollback-to-lkg', form, 'Customers are down'));
    expect(leadOverride).toContain('Evidence-first rule (§2, §5.3)');
    expect(leadOverride).toContain('Incident Commander');
    expect(await requests(a.id)).toEqual([]);

    const m = mark();
    const reason = 'Activation is failing for every acme device; the snapshot would take 30 minutes.';
    const res = await submitRequest(at(a.room, IC), a.room, 'rollback-to-lkg', form, reason);
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const [req] = await requests(a.id);
    expect(req).toMatchObject({ seq: 1, actionId: 'rollback-to-lkg', status: 'awaiting_approval', requestedBy: IC, overrideReason: reason, approvedBy: null });
    expect(req!.params).toEqual({ tenant: 'acme', channel: ['stable'], environment: 'prod-eu' });

    const evs = await actionEvents(a.id);
    expect(evs.map((e) => [e.type, e.actor, e.data.rule ?? null])).toEqual([
      ['action.refused', SEC, 'role'],
      ['action.refused', 'URANDOM', 'role'],
      ['action.refused', OPS, 'tenant'],
      ['action.refused', OPS, 'tenant'],
      ['action.refused', IC, 'tenant'],
      ['action.refused', OPS, 'evidence'],
      ['action.refused', OPS, 'evidence'],
      ['action.evidence_override', IC, null],
      ['action.requested', IC, null],
    ]);
    expect(evs[7]!.data).toEqual({ seq: 1, actionId: 'rollback-to-lkg', reason, openSteps: EVIDENCE_STEPS });
    expect(evs[8]!.data).toEqual({ seq: 1, actionId: 'rollback-to-lkg', params: req!.params, needsApproval: true });

    // At SEV1 it waits for a second person: the Ops lead, not the IC who asked.
    const posted = await t.slack.until(() => {
      const p = postsIn(m, a.room).filter((c) => String(c.body.text).startsWith('Requested:'));
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    expect(posted.body.text).toBe(
      `Requested: #1 Roll back to last-known-good pack (tenant: acme; channel: stable; environment: prod-eu) requested by <@${IC}>. A second person must approve (<@${OPS}>).`,
    );
    expect(buttons(blocksOf(posted)).map((b) => [b.action_id, b.value])).toEqual([['approve_action', req!.id]]);
    expect(await t.db.job.count({ where: { incidentId: a.id, kind: 'action.execute' } })).toBe(0);
    expect(hook.hits).toEqual([]);
  });

  it('SEV1 rollback by the Ops lead: awaits approval; the requester and a non-owning lead are refused; the IC approves; the webhook runs once, signed; the outcome is posted and recorded', async () => {
    // Settle the §5.3 snapshots first (the IC may tick owned steps).
    await Promise.all(EVIDENCE_STEPS.map((id) => click(at(a.room, IC), `item:done:${id}`, a.id)));
    await t.slack.until(async () => expect(await t.db.checklistItem.count({ where: { incidentId: a.id, itemId: { in: EVIDENCE_STEPS }, status: 'done' } })).toBe(7));

    let m = mark();
    const res = await submitRequest(at(a.room, OPS), a.room, 'rollback-to-lkg', { tenant: 'acme', channel: 'stable', environment: 'prod-eu' });
    expect(res.body).toBe('');
    const req = await requestBySeq(a.id, 2);
    expect(req).toMatchObject({ status: 'awaiting_approval', requestedBy: OPS, overrideReason: null });
    const posted = await t.slack.until(() => {
      const p = postsIn(m, a.room).filter((c) => String(c.body.text).startsWith('Requested:'));
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    expect(posted.body.text).toContain(`Requested: #2 Roll back to last-known-good pack (tenant: acme; channel: stable; environment: prod-eu) requested by <@${OPS}>. A second person must approve (<@${IC}>).`);
    expect(buttons(blocksOf(posted)).map((b) => [b.action_id, b.value])).toEqual([['approve_action', req.id]]);
    expect(hook.hits).toEqual([]);

    // The requester cannot approve their own request.
    m = mark();
    await click(at(a.room, OPS), 'approve_action', req.id);
    expect(await ephemeral(m, OPS, a.room)).toContain(':no_entry: Approval rule: you requested "Roll back to last-known-good pack", so a second person');
    // Nor can a lead whose role does not own the action.
    await click(at(a.room, SEC), 'approve_action', req.id);
    expect(await ephemeral(m, SEC, a.room)).toContain('Approval rule: only ');
    const refusedApprovals = await events(a.id, 'action.approval_refused');
    expect(refusedApprovals.map((e) => [e.actor, (e.data as { seq: number }).seq])).toEqual([
      [OPS, 2],
      [SEC, 2],
    ]);
    expect((await requestBySeq(a.id, 2)).status).toBe('awaiting_approval');
    expect(hook.hits).toEqual([]);

    // The IC approves: the bot kicks the scheduler, which runs the webhook.
    m = mark();
    await click(at(a.room, IC), 'approve_action', req.id);
    const done = await untilStatus(a.id, 2, 'succeeded');
    expect(done).toMatchObject({ approvedBy: IC, requestedBy: OPS });
    expect(done.approvedAt).not.toBeNull();
    expect(done.outcomeDetail).toBe(`POST ${hook.url} answered 200 (attempt 1 of 4).`);

    expect(hook.hits).toHaveLength(1);
    const [hit] = hook.hits;
    expect(hit!.signatureOk).toBe(true);
    expect(hit!.key).toBe(req.id);
    expect(hit!.body).toMatchObject({
      requestId: req.id,
      idempotencyKey: req.id,
      action: { id: 'rollback-to-lkg', title: 'Roll back to last-known-good pack' },
      params: { tenant: 'acme', channel: ['stable'], environment: 'prod-eu' },
      incident: { id: a.id, number: a.number, workspace: 'T1' },
      requestedBy: OPS,
    });

    const outcome = await t.slack.until(() => {
      const p = postsIn(m, a.room).filter((c) => String(c.body.text).startsWith(':white_check_mark:'));
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    expect(outcome.body.text).toBe(
      `:white_check_mark: #2 Roll back to last-known-good pack (tenant: acme; channel: stable; environment: prod-eu) requested by <@${OPS}>: *succeeded*. POST ${hook.url} answered 200 (attempt 1 of 4).`,
    );
    expect(postsIn(m, a.room).map((c) => String(c.body.text))).toContain(`<@${IC}> approved #2 Roll back to last-known-good pack (tenant: acme; channel: stable; environment: prod-eu) requested by <@${OPS}>. Running.`);

    const evs = (await actionEvents(a.id)).filter((e) => e.data.seq === 2);
    expect(evs.map((e) => [e.type, e.actor])).toEqual([
      ['action.requested', OPS],
      ['action.approval_refused', OPS],
      ['action.approval_refused', SEC],
      ['action.approved', IC],
      ['action.succeeded', null],
    ]);
    expect(evs[3]!.data).toEqual({ seq: 2, as: 'ic' });
    expect(evs[4]!.data).toEqual({ seq: 2, detail: done.outcomeDetail, response: { status: 200, body: '{"ok":true}' } });

    // The job is done: later ticks do not call the webhook again, and a second Approve is told so.
    await t.bot.scheduler.tick();
    expect(hook.hits).toHaveLength(1);
    m = mark();
    await click(at(a.room, OPS), 'approve_action', req.id);
    expect(await ephemeral(m, OPS, a.room)).toContain('Request #2 is succeeded, not awaiting approval.');
    expect(await events(a.id, 'action.succeeded')).toHaveLength(1);
    await chainIntact(a.id);
  });

  /** Moves the bot's clock just past request #1's approval expiry (once). */
  async function pastExpiryOfFirst() {
    const pending = await requestBySeq(a.id, 1);
    const delta = pending.requestedAt.getTime() + 15 * MINUTE + 1000 - t.clock.now().getTime();
    if (delta > 0) t.clock.advance(delta);
    return pending;
  }

  // An expired request keeps its stored status until someone clicks Approve; the overview must not
  // offer it for approval in the meantime.
  it('after 15 minutes `/incident actions` no longer offers an expired request for approval', async () => {
    const pending = await pastExpiryOfFirst();
    expect(pending.status).toBe('awaiting_approval');
    const overview = await command(at(a.room, OPS), 'actions');
    expect(buttons(overview.blocks ?? []).filter((b) => b.action_id === 'approve_action')).toEqual([]);
    expect(overview.text).toBe(`${CATALOG.actions.length} containment actions, 0 awaiting approval, 0 in force`);
  });

  it('an approval after 15 minutes finds the request expired: refused, recorded, nothing runs', async () => {
    const pending = await pastExpiryOfFirst();
    expect(pending.status).toBe('awaiting_approval');
    const m = mark();
    await click(at(a.room, OPS), 'approve_action', pending.id);
    const told = await ephemeral(m, OPS, a.room);
    expect(told).toMatch(/^:no_entry: Approval rule: this request for "Roll back to last-known-good pack" expired at .* \(approvals last 15 minutes\), so request it again\.$/);
    const row = await requestBySeq(a.id, 1);
    expect(row).toMatchObject({ status: 'expired', approvedBy: null });
    const expired = await events(a.id, 'action.expired');
    expect(expired.map((e) => [e.actor, e.data])).toEqual([[OPS, { seq: 1, reason: told.replace(':no_entry: ', '') }]]);
    await t.bot.scheduler.tick();
    expect(hook.hits).toHaveLength(1); // only #2's call
    expect((await command(at(a.room, OPS), 'actions')).text).toBe(`${CATALOG.actions.length} containment actions, 0 awaiting approval, 0 in force`);
    await chainIntact(a.id);
  });
});

// ---- a SEV2 incident on two tenants: webhook retries, failures, manual actions, lifts, re-drive ----

describe('a SEV2 incident on two tenants', () => {
  let b: Incident;
  beforeAll(async () => {
    b = await declare('Dispatch runaway on beta', 'SEV2', { tenants: 'acme, globex', channels: 'stable, beta' });
    expect((await command(at(b.room, IC), `assign ops <@${OPS}>`)).text).toContain(`<@${OPS}> is now Operations Lead`);
  });

  const seqOf = async (n: number) => requestBySeq(b.id, n);

  it('refuses a request spanning both impacted tenants, and does not guess the tenant in the form', async () => {
    const [, two] = await refusedSubmission(await submitRequest(at(b.room, OPS), b.room, 'freeze-publish-activation', { tenant: 'acme, globex', channel: 'stable' }));
    expect(two).toBe(
      ':no_entry: Tenant isolation rule (§2): one request acts on one tenant and "acme, globex" names more than one, so send one request per impacted tenant (acme, globex).',
    );
    const [, none] = await refusedSubmission(await submitRequest(at(b.room, OPS), b.room, 'freeze-publish-activation', { channel: 'stable' }));
    expect(none).toContain('Tenant isolation rule (§2)');
    expect((await events(b.id, 'action.refused')).map((e) => (e.data as { rule: string }).rule)).toEqual(['tenant', 'tenant']);
    expect(await requests(b.id)).toEqual([]);

    const m = mark();
    await click(at(b.room, OPS), 'run_action:freeze-publish-activation', 'freeze-publish-activation');
    const view = await t.slack.until(() => {
      const o = since(m, 'views.open');
      expect(o).toHaveLength(1);
      return o[0]!.body.view as { blocks: (Block & { hint?: { text: string } })[] };
    });
    const tenant = view.blocks.find((b) => b.block_id === 'param:tenant')!;
    expect(tenant.element?.initial_value).toBeUndefined();
    expect(tenant.hint?.text).toBe('Impacted: acme, globex');
  });

  it('a webhook answering 503 once, then 200: retried inside the executor with the same key, one succeeded outcome', async () => {
    hook.hits.length = 0;
    hook.next({ status: 503, body: 'busy' });
    const m = mark();
    const res = await submitRequest(at(b.room, OPS), b.room, 'freeze-publish-activation', { tenant: 'acme', channel: 'stable, beta' });
    expect(res.body).toBe('');
    const req = await untilStatus(b.id, 1, 'succeeded', 8000);
    expect(req.approvedBy).toBeNull(); // no second person below SEV1
    expect(req.outcomeDetail).toBe(`POST ${hook.url} answered 200 (attempt 2 of 4).`);
    expect(hook.hits.map((h) => [h.key, h.signatureOk, h.answered])).toEqual([
      [req.id, true, 503],
      [req.id, true, 200],
    ]);
    expect(hook.hits[0]!.raw).toBe(hook.hits[1]!.raw);
    expect(hook.hits[0]!.body.params).toEqual({ tenant: 'acme', channel: ['stable', 'beta'] });

    await t.slack.until(() => expect(postsIn(m, b.room).filter((c) => String(c.body.text).startsWith(':white_check_mark: #1 Freeze publish/activation'))).toHaveLength(1));
    expect(postsIn(m, b.room).map((c) => String(c.body.text))).toContain(`Approved and running: #1 Freeze publish/activation (tenant: acme; channel: stable, beta) requested by <@${OPS}>.`);
    expect((await actionEvents(b.id)).filter((e) => e.data.seq === 1).map((e) => e.type)).toEqual(['action.requested', 'action.succeeded']);
  });

  it('a webhook answering 400: not retried, failed, the response recorded and posted', async () => {
    hook.hits.length = 0;
    hook.next({ status: 400, body: '{"error":"unknown task type"}' });
    const m = mark();
    await submitRequest(at(b.room, OPS), b.room, 'halt-dispatch', { tenant: 'globex', taskType: 'render-batch' });
    const req = await untilStatus(b.id, 2, 'failed');
    expect(req.outcomeDetail).toBe(`POST ${hook.url} answered 400 (not retried).`);
    expect(hook.hits.map((h) => [h.key, h.answered])).toEqual([[req.id, 400]]);
    const [failed] = await events(b.id, 'action.failed');
    expect(failed!.data).toEqual({ seq: 2, detail: req.outcomeDetail, response: { status: 400, body: '{"error":"unknown task type"}' } });
    await t.slack.until(() =>
      expect(postsIn(m, b.room).map((c) => String(c.body.text))).toContain(
        `:x: #2 Halt dispatch for task types/queues (tenant: globex; taskType: render-batch) requested by <@${OPS}>: *failed*. POST ${hook.url} answered 400 (not retried).`,
      ),
    );
    expect(await events(b.id, 'action.succeeded')).toHaveLength(1); // #1 only
  });

  let pause: Awaited<ReturnType<typeof seqOf>>;

  it('a manual action: awaiting confirmation with Done/Failed for the requester; Done by someone else refused; Done by the requester succeeds', async () => {
    hook.hits.length = 0;
    const m = mark();
    await submitRequest(at(b.room, OPS), b.room, 'pause-auto-activation', { tenant: 'acme', channel: 'stable' });
    pause = await untilStatus(b.id, 3, 'awaiting_confirmation');
    const prompt = await t.slack.until(() => {
      const p = postsIn(m, b.room).filter((c) => buttons(blocksOf(c)).some((x) => x.action_id?.startsWith('confirm_action:')));
      expect(p).toHaveLength(1);
      return p[0]!;
    });
    expect(prompt.body.text).toBe(`<@${OPS}>, carry out "Pause auto-activation" (tenant: acme; channel: stable) by hand, then confirm it done or failed, with a note.`);
    expect(buttons(blocksOf(prompt)).map((x) => [x.action_id, x.value])).toEqual([
      ['confirm_action:done', pause.id],
      ['confirm_action:failed', pause.id],
    ]);
    expect(await events(b.id, 'action.awaiting_confirmation')).toHaveLength(1);
    expect(hook.hits).toEqual([]); // not a webhook action

    let n = mark();
    await click(at(b.room, IC), 'confirm_action:done', pause.id);
    expect(await ephemeral(n, IC, b.room)).toBe(`:warning: Only <@${OPS}>, who requested it, can confirm request #3.`);
    expect((await seqOf(3)).status).toBe('awaiting_confirmation');

    n = mark();
    await click(at(b.room, OPS), 'confirm_action:done', pause.id);
    const done = await untilStatus(b.id, 3, 'succeeded');
    expect(done.outcomeDetail).toBe(`Confirmed done by <@${OPS}>`);
    await t.slack.until(() =>
      expect(postsIn(n, b.room).map((c) => String(c.body.text))).toContain(
        `#3 Pause auto-activation (tenant: acme; channel: stable) requested by <@${OPS}>: *succeeded* (confirmed by <@${OPS}>).`,
      ),
    );
    const evs = (await actionEvents(b.id)).filter((e) => e.data.seq === 3);
    expect(evs.map((e) => [e.type, e.actor])).toEqual([
      ['action.requested', OPS],
      ['action.awaiting_confirmation', null],
      ['action.succeeded', null],
    ]);

    // A second confirmation changes nothing.
    n = mark();
    await click(at(b.room, OPS), 'confirm_action:failed', pause.id);
    expect(await ephemeral(n, OPS, b.room)).toContain('Request #3 already has its outcome.');
    expect((await seqOf(3)).status).toBe('succeeded');
  });

  it('a pause in force is on the header with its Lift button; Lift by a non-owner is refused; Lift by the IC is recorded and the header cleared', async () => {
    const forceBlock = (blocks: Block[], id: string) => blocks.find((x) => x.block_id === `force:${id}`);
    const header = await t.slack.until(() => {
      const h = lastHeader(b);
      expect(h).toBeDefined();
      expect(forceBlock(blocksOf(h!), pause.id)).toBeDefined();
      return h!;
    });
    const block = forceBlock(blocksOf(header), pause.id)!;
    expect(block.text?.text).toBe(`:lock: In force: #3 Pause auto-activation (tenant: acme; channel: stable) requested by <@${OPS}>`);
    expect(block.accessory).toMatchObject({ action_id: `lift_action:${pause.id}`, value: pause.id, text: { text: 'Resume auto-activation' } });
    const overview = await command(at(b.room, OPS), 'actions');
    expect(overview.text).toBe(`${CATALOG.actions.length} containment actions, 0 awaiting approval, 2 in force`);
    expect(buttons(overview.blocks ?? []).map((x) => x.action_id)).toContain(`lift_action:${pause.id}`);

    let m = mark();
    await click(at(b.room, 'URANDOM'), `lift_action:${pause.id}`, pause.id);
    expect(await ephemeral(m, 'URANDOM', b.room)).toBe(':no_entry: Only the Incident Commander or the owning lead may lift "Pause auto-activation" (runbook §3).');
    expect((await events(b.id, 'action.lift_refused')).map((e) => [e.actor, e.data])).toEqual([
      ['URANDOM', { seq: 3, reason: 'Only the Incident Commander or the owning lead may lift "Pause auto-activation" (runbook §3).' }],
    ]);
    expect((await seqOf(3)).liftedAt).toBeNull();

    m = mark();
    await click(at(b.room, IC), `lift_action:${pause.id}`, pause.id);
    await t.slack.until(async () => expect((await seqOf(3)).liftedBy).toBe(IC));
    expect((await events(b.id, 'action.lifted')).map((e) => [e.actor, e.data])).toEqual([[IC, { seq: 3, actionId: 'pause-auto-activation', lift: 'Resume auto-activation' }]]);
    await t.slack.until(() => {
      expect(postsIn(m, b.room).map((c) => String(c.body.text))).toContain(`<@${IC}> lifted #3 Pause auto-activation (tenant: acme; channel: stable) requested by <@${OPS}> (Resume auto-activation).`);
      const h = since(m, 'chat.update').filter((c) => c.body.channel === b.room && c.body.ts === b.header).at(-1);
      expect(h).toBeDefined();
      expect(forceBlock(blocksOf(h!), pause.id)).toBeUndefined();
    });
    // The freeze from #1 is still in force.
    expect((await command(at(b.room, OPS), 'actions')).text).toBe(`${CATALOG.actions.length} containment actions, 0 awaiting approval, 1 in force`);

    m = mark();
    await click(at(b.room, IC), `lift_action:${pause.id}`, pause.id);
    expect(await ephemeral(m, IC, b.room)).toBe(':warning: Request #3 is not in force.');
    expect(await events(b.id, 'action.lifted')).toHaveLength(1);
  });

  it('lifting a freeze that ran through the webhook tells the webhook to undo it, once, and records what it answered', async () => {
    const freeze = await seqOf(1);
    expect(freeze).toMatchObject({ actionId: 'freeze-publish-activation', status: 'succeeded', liftedAt: null });
    hook.hits.length = 0;
    const m = mark();
    await click(at(b.room, IC), `lift_action:${freeze.id}`, freeze.id);
    await t.slack.until(async () => expect(await events(b.id, 'action.lift_succeeded')).toHaveLength(1));
    expect(hook.hits).toHaveLength(1);
    expect(hook.hits[0]).toMatchObject({ key: `${freeze.id}:lift`, signatureOk: true, body: { action: { id: 'freeze-publish-activation:lift' } } });
    await t.slack.until(() => expect(postsIn(m, b.room).some((c) => String(c.body.text).includes('Lift publish/activation freeze (#1): *succeeded*'))).toBe(true));
    // Later ticks find the lift done and call nothing more.
    await t.bot.scheduler.tick();
    expect(hook.hits).toHaveLength(1);
  });

  it('a run whose lease expires mid-call is re-driven by a later tick with the same Idempotency-Key, and recorded once', async () => {
    hook.hits.length = 0;
    hook.next('hold', 'hold');
    const m = mark();
    // Accepted at once (SEV2, not destructive): the bot's own tick claims the job and the call hangs.
    await submitRequest(at(b.room, OPS), b.room, 'halt-dispatch', { tenant: 'acme', taskType: 'activate', queue: 'q1, q2' });
    await t.slack.until(() => expect(hook.heldCount).toBe(1));
    const req = await seqOf(4);
    expect(req.status).toBe('approved');
    const job = await t.db.job.findFirstOrThrow({ where: { incidentId: b.id, kind: 'action.execute', data: { equals: { requestId: req.id } } } });
    expect(job).toMatchObject({ attempts: 1, doneAt: null });

    // Within the lease nobody else takes it.
    await t.bot.scheduler.tick();
    expect(hook.hits).toHaveLength(1);

    // The lease (60 s) runs out: the next tick takes the job over and calls again.
    t.clock.advance(61_000);
    const redrive = t.bot.scheduler.tick();
    await t.slack.until(() => expect(hook.heldCount).toBe(2));
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).attempts).toBe(2);

    // The first call answers: its outcome is recorded. Then the re-driven one: nothing more.
    hook.release(0);
    await untilStatus(b.id, 4, 'succeeded');
    hook.release(0);
    await redrive;

    expect(hook.hits.map((h) => [h.key, h.signatureOk, h.answered])).toEqual([
      [req.id, true, 200],
      [req.id, true, 200],
    ]);
    expect(hook.hits[0]!.body).toEqual(hook.hits[1]!.body);
    const succeeded = (await events(b.id, 'action.succeeded')).filter((e) => (e.data as { seq: number }).seq === 4);
    expect(succeeded).toHaveLength(1);
    expect(postsIn(m, b.room).filter((c) => String(c.body.text).startsWith(':white_check_mark: #4 '))).toHaveLength(1);
    expect((await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).doneAt).not.toBeNull();
    await t.bot.scheduler.tick();
    expect(hook.hits).toHaveLength(2);
    await chainIntact(b.id);
  });

  // Done/Failed is only for a request waiting for a confirmation by hand: a crafted confirm_action:done
  // carrying the id of a webhook request in flight must not pre-empt the webhook's real outcome.
  it('Done on a webhook request that is running is refused, and the webhook outcome is the one recorded', async () => {
    hook.hits.length = 0;
    hook.next('hold');
    await submitRequest(at(b.room, OPS), b.room, 'halt-dispatch', { tenant: 'globex', taskType: 'notify' });
    await t.slack.until(() => expect(hook.heldCount).toBe(1));
    const req = await seqOf(5);
    try {
      expect(req.status).toBe('approved');
      const m = mark();
      await click(at(b.room, OPS), 'confirm_action:done', req.id);
      // Whichever comes first: the refusal, or the request closed by the click.
      await t.slack.until(async () => expect(since(m, 'chat.postEphemeral').length > 0 || (await seqOf(5)).status !== 'approved').toBe(true));
      expect((await seqOf(5)).status).toBe('approved');
      expect(await ephemeral(m, OPS, b.room)).toContain('#5');
    } finally {
      hook.releaseAll();
      await t.slack.until(async () => expect((await t.db.job.findFirstOrThrow({ where: { incidentId: b.id, data: { equals: { requestId: req.id } } } })).doneAt).not.toBeNull());
    }
    const done = await seqOf(5);
    expect(done.status).toBe('succeeded');
    expect(done.outcomeDetail).toBe(`POST ${hook.url} answered 200 (attempt 1 of 4).`);
  });
});
