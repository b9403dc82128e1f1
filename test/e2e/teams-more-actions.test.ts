// The Teams card actions and commands the incident run does not reach, over HTTP with JWTs from the
// local issuer: attaching a playbook from the list card and the "Raise to SEVn" it asks for, Snooze
// on an update reminder, `@Incident external`, the set-up Retry after Graph refused the channel, and
// the Lift of a freeze in force with the Approve lift a second person gives at SEV1.
// Each asserts what the person sees and what was written, and that a repeated or forged click
// writes nothing more.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import { until } from '../fakes/json-server.js';
import type { TestBot } from '../support/bot.js';
import { actor, cardAction, commandMessage, taskInvoke, type TeamsActor, type TeamsFakes } from '../support/teams.js';
import { actionsOf, dialogCard, inChannel, onCard, personalOf, submitData, teamsBotForFile, TeamsSession, textOf, type Incident, type Json } from '../support/teams-session.js';

const MINUTE = 60_000;
const content = loadContent();
/** A playbook that calls for more than SEV2. */
const PLAYBOOK = content.runbook.playbooks.find((p) => p.escalation?.severity === 'SEV1')!;
const VERIFICATION = content.runbook.playbooks.find((p) => p.id === 'verification-failure')!;
const VERIFICATION_STEPS = VERIFICATION.sections.flatMap((sec) => sec.items);
const SCOPE = content.runbook.triage.sections.find((sec) => sec.id === 'identify-scope')!.items;

let f: TeamsFakes;
let t: TestBot;
let s: TeamsSession;
let dana: TeamsActor;
let sam: TeamsActor;

const env = teamsBotForFile({ graph: true });
beforeAll(() => {
  ({ f, t, s } = env);
  dana = actor(f, { user: '29:dana', name: 'Dana Scully' });
  sam = actor(f, { user: '29:sam', name: 'Sam Vimes' });
});

const events = (incidentId: string, type: string) => t.db.timelineEvent.findMany({ where: { incidentId, type } });
const severityOf = async (id: string) => (await t.db.incident.findUniqueOrThrow({ where: { id } })).severity;
/** What the invoke answer showed the clicker, as text. */
const shown = (answer: Json) => JSON.stringify(answer.value);

describe('a SEV2 incident: playbook, raise, snooze, external update', () => {
  let a: Incident;

  beforeAll(async () => {
    a = await s.declareThroughDialog(dana, 'Hash mismatch on stable packs', 'SEV2');
    await s.withAction(0, a.room, (x) => x.verb === 'role.take');
  });

  it('lists the playbooks privately with Attach buttons; Attach posts the playbook in the room and asks the IC to raise the severity', async () => {
    const m = s.mark();
    await s.ok(commandMessage(inChannel(sam, a.room), 'playbook', onCard(a.room, 'pb1')));
    const { call: list, action: attach } = await s.withAction(m, personalOf(sam), (x) => x.verb === 'playbook.attach' && (x.data as Json).playbook === PLAYBOOK.id);
    expect(textOf(list)).toContain('Runbook playbooks (§6)');
    const playbook = PLAYBOOK;
    const button = attach.data as Record<string, string>;

    const click = cardAction(sam, 'playbook.attach', button, { personal: true, replyToId: list.id! });
    await s.ok(click);
    await until(() => expect(s.sentTo(m, a.room).some((c) => textOf(c).includes(playbook.title))).toBe(true));
    const prompt = await s.withAction(m, a.room, (x) => x.verb === 'severity.raise');
    expect(textOf(prompt.call)).toContain(`Incident #${a.number} is SEV2, but playbook ${playbook.title} calls for SEV1 or higher.`);
    const checklists = await t.db.incidentChecklist.count({ where: { incidentId: a.id } });
    const posted = s.sentTo(m, a.room).length;

    // The same click delivered again attaches nothing more and posts nothing.
    await s.ok(click);
    expect(await t.db.incidentChecklist.count({ where: { incidentId: a.id } })).toBe(checklists);
    expect(s.sentTo(m, a.room)).toHaveLength(posted);
  });

  it('"Raise to SEV1" is refused for someone other than the IC, and raises it for the IC: the row, the timeline, the header', async () => {
    const { call: prompt, action: raise } = await s.withAction(0, a.room, (x) => x.verb === 'severity.raise' && (x.data as Json).severity === 'SEV1');
    const data = raise.data as Record<string, string>;
    const refused = await s.ok(cardAction(inChannel(sam, a.room), 'severity.raise', data, { ...onCard(a.room, prompt.id!), replyToId: prompt.id! }));
    expect(refused.type).toBe('application/vnd.microsoft.activity.message');
    expect(await severityOf(a.id)).toBe('SEV2');
    expect(await events(a.id, 'severity.changed')).toEqual([]);

    const m = s.mark();
    const click = cardAction(inChannel(dana, a.room), 'severity.raise', data, { ...onCard(a.room, prompt.id!), replyToId: prompt.id! });
    await s.ok(click);
    expect(await severityOf(a.id)).toBe('SEV1');
    const [changed] = await events(a.id, 'severity.changed');
    expect(changed).toMatchObject({ actor: dana.user });
    await until(() => expect(f.connector.calls.slice(m).some((c) => c.kind === 'update' && textOf(c).includes('SEV1'))).toBe(true));

    await s.ok(click);
    expect(await events(a.id, 'severity.changed')).toHaveLength(1);
  });

  it('Snooze on the update reminder moves it by five minutes, once: a second snooze is refused naming who snoozed', async () => {
    const m = s.mark();
    t.clock.advance(61 * MINUTE);
    await t.bot.scheduler.tick();
    const { call: reminder, action: snooze } = await s.withAction(m, a.room, (x) => x.verb === 'update.snooze');
    const at = onCard(a.room, reminder.id!);

    const before = t.clock.now();
    await s.ok(cardAction(inChannel(sam, a.room), 'update.snooze', snooze.data as Record<string, string>, { ...at, replyToId: reminder.id! }));
    const [snoozed] = await events(a.id, 'update.snoozed');
    expect(snoozed).toMatchObject({ actor: sam.user });
    const until5 = new Date((snoozed!.data as { until: string }).until).getTime();
    expect(until5).toBeGreaterThanOrEqual(before.getTime() + 5 * MINUTE);
    expect(until5).toBeLessThanOrEqual(t.clock.now().getTime() + 5 * MINUTE);
    await until(() => expect(s.sentTo(m, a.room).some((c) => textOf(c).includes('Sam Vimes') && textOf(c).includes('snoozed the update reminder until'))).toBe(true));

    const again = await s.ok(cardAction(inChannel(dana, a.room), 'update.snooze', snooze.data as Record<string, string>, { ...at, replyToId: reminder.id! }));
    expect(shown(again)).toContain('already snoozed by');
    expect(shown(again)).toContain('Sam Vimes');
    expect(shown(again)).not.toContain('@{');
    expect(await events(a.id, 'update.snoozed')).toHaveLength(1);
  });

  it('`@Incident external` is refused privately until §7.2 holds, then its dialog posts the draft in the room', async () => {
    const m = s.mark();
    await s.ok(commandMessage(inChannel(dana, a.room), 'external', onCard(a.room, 'ext1')));
    const refusal = await until(() => {
      const [c] = s.sentTo(m, personalOf(dana));
      expect(c).toBeDefined();
      return c!;
    });
    expect(textOf(refusal)).toContain('No external update yet (runbook §7.2)');
    expect(textOf(refusal)).toContain('the scope is not confirmed');
    expect(s.sentTo(m, a.room)).toEqual([]);

    for (const step of SCOPE) await s.ok(cardAction(inChannel(dana, a.room), 'item.done', { incidentId: a.id, itemId: step.id }, onCard(a.room, 'scope')));
    await s.ok(commandMessage(inChannel(dana, a.room), 'mitigate', onCard(a.room, 'ext2')));
    const m2 = s.mark();
    await s.ok(commandMessage(inChannel(dana, a.room), 'external', onCard(a.room, 'ext3')));
    const { action } = await s.withAction(m2, personalOf(dana), (x) => (x.data as Json | undefined)?.form === 'external');
    expect(action.data).toMatchObject({ form: 'external', room: a.room });
    const dialog = dialogCard(await s.ok(taskInvoke(dana, 'task/fetch', action.data as Json, { personal: true })));
    const form = { ...submitData(dialog), customerImpact: 'Some acme devices fail to install stable packs', nextSteps: 'We are re-signing the packs' };
    expect(await s.ok(taskInvoke(dana, 'task/submit', form, { personal: true }))).toEqual({});
    const draft = await until(() => {
      const c = s.sentTo(m2, a.room).find((x) => textOf(x).includes('External update draft by'));
      expect(c).toBeDefined();
      return c!;
    });
    expect(textOf(draft)).toContain('Some acme devices fail to install stable packs');
    expect(await events(a.id, 'external.drafted')).toHaveLength(1);

    // The same dialog submitted again is the same delivery: no second draft.
    await s.ok(taskInvoke(dana, 'task/submit', form, { personal: true }));
    expect(await events(a.id, 'external.drafted')).toHaveLength(1);
  });
});

describe('the set-up Retry after Graph refused the channel', () => {
  it('tells the declarer privately what failed with a Retry; only the declarer or the IC may retry; the retry creates the channel once', async () => {
    const title = 'Graph refuses the incident channel';
    const m = s.mark();
    f.graph.refuseChannels = { status: 403, code: 'Forbidden' };
    await s.submitDeclare(dana, title, 'SEV3');
    const { call: report, action: retry } = await s.withAction(m, personalOf(dana), (x) => x.verb === 'setup.retry');
    expect(textOf(report)).toContain('is declared and recorded, but part of its set-up failed');
    expect(textOf(report)).toContain('Forbidden');
    const row = await t.db.incident.findFirstOrThrow({ where: { title } });
    expect(row.roomId).toBeNull();
    expect(retry.data).toEqual({ incidentId: row.id });
    f.graph.refuseChannels = null;
    const channels = f.graph.channels.length;

    // Someone who neither declared nor commands it is refused, and nothing is created.
    const refused = await s.ok(cardAction(sam, 'setup.retry', retry.data as Record<string, string>, { personal: true, replyToId: report.id! }));
    expect(shown(refused)).toContain('Only the declarer or the Incident Commander can retry the set-up.');
    expect(f.graph.channels).toHaveLength(channels);
    expect((await t.db.incident.findUniqueOrThrow({ where: { id: row.id } })).roomId).toBeNull();

    const m2 = s.mark();
    const click = cardAction(dana, 'setup.retry', retry.data as Record<string, string>, { personal: true, replyToId: report.id! });
    const done = await s.ok(click);
    const { roomId } = await t.db.incident.findUniqueOrThrow({ where: { id: row.id } });
    expect(roomId).toBeTruthy();
    expect(shown(done)).toContain('Set-up finished');
    expect(f.graph.channels.slice(channels)).toEqual([expect.objectContaining({ teamId: dana.team, displayName: `inc-${row.number}-graph-refuses-the-incident-channel` })]);
    await s.withAction(m2, roomId!, (x) => x.verb === 'role.take');

    // The same click again makes no second channel and posts no second header.
    const headers = s.sentTo(m2, roomId!).filter((c) => actionsOf(c).some((x) => x.verb === 'role.take')).length;
    await s.ok(click);
    expect(f.graph.channels).toHaveLength(channels + 1);
    expect(s.sentTo(m2, roomId!).filter((c) => actionsOf(c).some((x) => x.verb === 'role.take'))).toHaveLength(headers);
  });
});

describe('lifting a freeze in force at SEV1: Lift, then Approve lift by a second person', () => {
  const kim = () => actor(f, { user: '29:kim', name: 'Kim Wexler' });
  let a: Incident;
  let requestId: string;

  beforeAll(async () => {
    a = await s.declareThroughDialog(dana, 'Suspected tampering on acme stable', 'SEV1');
    await s.ok(commandMessage(inChannel(dana, a.room), `assign ops @${sam.name}`, { ...onCard(a.room, 'as1'), mentions: [{ id: sam.user, name: sam.name }] }));
    await s.ok(commandMessage(inChannel(dana, a.room), `playbook ${VERIFICATION.id}`, onCard(a.room, 'pb2')));
    for (const step of VERIFICATION_STEPS) await s.ok(cardAction(inChannel(dana, a.room), 'item.done', { incidentId: a.id, itemId: step.id }, onCard(a.room, 'ver')));
    expect(await t.db.checklistItem.count({ where: { incidentId: a.id, itemId: { in: VERIFICATION_STEPS.map((i) => i.id) }, status: 'done' } })).toBe(VERIFICATION_STEPS.length);

    // Sam freezes publish/activation by hand and confirms it applied: it is in force.
    const m = s.mark();
    const fetched = await s.ok(taskInvoke(inChannel(sam, a.room), 'task/fetch', { form: 'action', actionId: 'freeze-publish-activation', incidentId: a.id }, onCard(a.room, 'frz')));
    const dialog = dialogCard(fetched);
    expect(await s.ok(taskInvoke(inChannel(sam, a.room), 'task/submit', { ...submitData(dialog), 'param:tenant': 'acme', 'param:channel': 'stable' }, onCard(a.room, 'frz')))).toEqual({});
    const [req] = await t.db.actionRequest.findMany({ where: { incidentId: a.id } });
    requestId = req!.id;
    const confirm = await s.withAction(m, a.room, (x) => x.verb === 'action.confirm' && (x.data as Json).outcome === 'done');
    await s.ok(cardAction(inChannel(sam, a.room), 'action.confirm', confirm.action.data as Record<string, string>, onCard(a.room, confirm.call.id!)));
    expect(await t.db.actionRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({ status: 'succeeded', liftStatus: null });
  });

  it('the header offers Lift; someone without the role is refused and recorded; Sam’s Lift waits for a second person, shown as Approve lift', async () => {
    const m0 = s.mark();
    const { action: lift } = await s.shownWithAction(0, a.room, (x) => x.verb === 'action.lift');
    expect(lift).toMatchObject({ title: 'Lift publish/activation freeze', data: { requestId } });

    const refused = await s.ok(cardAction(inChannel(kim(), a.room), 'action.lift', { requestId }, onCard(a.room, 'hdr')));
    expect(shown(refused)).toContain('Only the Incident Commander or the owning lead may lift');
    expect((await events(a.id, 'action.lift_refused')).map((e) => e.actor)).toEqual([kim().user]);
    expect((await t.db.actionRequest.findUniqueOrThrow({ where: { id: requestId } })).liftStatus).toBeNull();

    const click = cardAction(inChannel(sam, a.room), 'action.lift', { requestId }, onCard(a.room, 'hdr'));
    await s.ok(click);
    expect(await t.db.actionRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({ liftStatus: 'awaiting_approval', liftRequestedBy: sam.user, liftedAt: null });
    await until(() => expect(s.sentTo(m0, a.room).some((c) => textOf(c).includes('asked to lift') && textOf(c).includes('a second person must approve'))).toBe(true));
    const { action: approve } = await s.shownWithAction(m0, a.room, (x) => x.verb === 'lift.approve');
    expect(approve).toMatchObject({ title: 'Approve lift', data: { requestId } });

    // The same click delivered again asks nothing more.
    await s.ok(click);
    expect(await events(a.id, 'action.lift_requested')).toHaveLength(1);
  });

  it('the requester cannot approve her own lift; Dana’s Approve lift lifts it, once, with both names', async () => {
    const own = await s.ok(cardAction(inChannel(sam, a.room), 'lift.approve', { requestId }, onCard(a.room, 'hdr')));
    expect(shown(own)).toContain('Approval rule');
    expect((await t.db.actionRequest.findUniqueOrThrow({ where: { id: requestId } })).liftStatus).toBe('awaiting_approval');

    // Dana's id in a body from another tenant, under that tenant's valid token, approves nothing.
    const forger = actor(f, { tenant: 'b7777777-7777-4777-8777-777777777777', user: dana.user, name: dana.name, channel: a.room, team: dana.team });
    const events0 = await t.db.timelineEvent.count({ where: { incidentId: a.id } });
    const forged = await s.ok(cardAction(forger, 'lift.approve', { requestId }, onCard(a.room, 'hdr')));
    expect(forged.type).toBe('application/vnd.microsoft.activity.message');
    expect((await t.db.actionRequest.findUniqueOrThrow({ where: { id: requestId } })).liftStatus).toBe('awaiting_approval');
    expect(await t.db.timelineEvent.count({ where: { incidentId: a.id } })).toBe(events0);

    const m = s.mark();
    const click = cardAction(inChannel(dana, a.room), 'lift.approve', { requestId }, onCard(a.room, 'hdr'));
    await s.ok(click);
    expect(await t.db.actionRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({ liftStatus: 'succeeded', liftedBy: sam.user, liftApprovedBy: dana.user });
    // The header no longer offers to lift it.
    await until(() => {
      const header = f.connector.calls.slice(m).filter((c) => c.kind === 'update' && c.conversationId === a.room && actionsOf(c).some((x) => x.verb === 'role.take' || x.verb === 'update.snooze')).at(-1);
      expect(header).toBeDefined();
      expect(actionsOf(header!).some((x) => x.verb === 'action.lift' || x.verb === 'lift.approve')).toBe(false);
    });

    await s.ok(click);
    const lifts = (await t.db.timelineEvent.findMany({ where: { incidentId: a.id, type: { startsWith: 'action.lift' } }, orderBy: { seq: 'asc' } })).map((e) => [e.type, e.actor]);
    expect(lifts).toEqual([
      ['action.lift_refused', kim().user],
      ['action.lift_requested', sam.user],
      ['action.lift_approval_refused', sam.user],
      ['action.lift_approved', dana.user],
      ['action.lifted', dana.user],
    ]);
  });
});
