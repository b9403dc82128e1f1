// A whole incident in Teams over HTTP, as the Bot Framework delivers it (every activity with a JWT
// from the local issuer): declare through the dialog and get a Graph channel; take a role; tick,
// skip and undo steps; post an update and get the next reminder proactively; a gated action approved
// by a second person; resolve and the postmortem packet; and a forged body under a valid token that
// cannot reach another tenant's incident. Assertions are on what reached the fake connector and
// Graph, and on the rows written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import { until } from '../fakes/json-server.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { actor, cardAction, commandMessage, send, startTeamsFakes, taskInvoke, teamsConfig, type TeamsActor, type TeamsFakes } from '../support/teams.js';
import { actionsOf, dialogCard, inChannel, onCard, personalOf, submitData, TeamsSession, textOf, type Incident, type Json } from '../support/teams-session.js';

const MINUTE = 60_000;
const content = loadContent();
const TRIAGE = content.runbook.triage.sections.flatMap((s) => s.items);
const RECOVERY = content.runbook.recovery.sections.flatMap((s) => s.items);
const CASE = 'https://orgo.example/cases/12';

let f: TeamsFakes;
let t: TestBot;
let dana: TeamsActor;
let sam: TeamsActor;

beforeAll(async () => {
  f = await startTeamsFakes();
  t = await startTestBot({ teams: teamsConfig(f, { graph: true }) });
  s = new TeamsSession(f, t);
  dana = actor(f, { user: '29:dana', name: 'Dana Scully' });
  sam = actor(f, { user: '29:sam', name: 'Sam Vimes' });
});
afterAll(async () => {
  await t?.stop();
  await f?.stop();
});

// ---- helpers ---------------------------------------------------------------------------------

let s: TeamsSession;
const mark = () => s.mark();
const sentTo = (from: number, conversationId: string) => s.sentTo(from, conversationId);
const withAction = (from: number, conversationId: string, pick: (a: Json) => boolean) => s.withAction(from, conversationId, pick);
const ok = (activity: { serviceUrl: string }) => s.ok(activity);
const declareThroughDialog = (who: TeamsActor, title: string, severity: string) => s.declareThroughDialog(who, title, severity);
const incidentRow = (id: string) => t.db.incident.findUniqueOrThrow({ where: { id } });
const item = (incidentId: string, itemId: string) => t.db.checklistItem.findUnique({ where: { incidentId_itemId: { incidentId, itemId } } });

// ---- the incident ---------------------------------------------------------------------------------

describe('a SEV1 run in Teams from declare to postmortem', () => {
  let a: Incident;
  let headerId: string;

  it('declares through the dialog: a standard channel inc-<n>-<slug> by Graph, the header in it, the announcement where it was declared', async () => {
    const m = mark();
    a = await declareThroughDialog(dana, 'Mirror serves stale packs', 'SEV1');
    expect(f.graph.channels).toContainEqual(expect.objectContaining({ teamId: dana.team, displayName: `inc-${a.number}-mirror-serves-stale-packs`, membershipType: 'standard' }));
    const header = await withAction(m, a.room, (x) => x.verb === 'role.take');
    headerId = header.call.id!;
    expect(textOf(header.call)).toContain('Mirror serves stale packs');
    await until(() => expect(sentTo(m, dana.channel).some((c) => textOf(c).includes(`Incident #${a.number} declared`))).toBe(true));
    await until(() => expect(sentTo(m, a.room).some((c) => actionsOf(c).some((x) => x.verb === 'item.done'))).toBe(true));
  });

  it('answers bad input privately, saying how to write it, and changes nothing', async () => {
    const events = await t.db.timelineEvent.count({ where: { incidentId: a.id } });
    const m = mark();
    await ok(commandMessage(inChannel(dana, a.room), 'assign ops dana', onCard(a.room, 'bad1')));
    await ok(commandMessage(inChannel(dana, a.room), 'frobnicate now', onCard(a.room, 'bad2')));
    await ok(commandMessage(inChannel(dana, a.room), 'severity SEV9', onCard(a.room, 'bad3')));
    const told = sentTo(m, personalOf(dana)).map(textOf);
    expect(told.some((x) => x.includes('Name the person with an @-mention') && x.includes('@Incident assign'))).toBe(true);
    expect(told.some((x) => x.includes('frobnicate') && x.includes('@Incident help'))).toBe(true);
    expect(told).toHaveLength(3);
    // Nothing was said in the room, and nothing written.
    expect(sentTo(m, a.room)).toEqual([]);
    expect(await t.db.timelineEvent.count({ where: { incidentId: a.id } })).toBe(events);
  });

  it('lets Sam take the unfilled Ops role from the header; the header is updated in place for everyone', async () => {
    const m = mark();
    const res = await ok(cardAction(inChannel(sam, a.room), 'role.take', { incidentId: a.id, role: 'ops' }, onCard(a.room, headerId)));
    expect(res.statusCode).toBe(200);
    const held = await t.db.roleAssignment.findMany({ where: { incidentId: a.id, role: 'ops', endedAt: null } });
    expect(held.map((h) => h.userId)).toEqual([sam.user]);
    await until(() => expect(f.connector.calls.slice(m).some((c) => c.kind === 'update' && c.activityId === headerId && textOf(c).includes('Sam Vimes'))).toBe(true));
  });

  it('ticks a triage step, skips another with a reason through the skip dialog, and undoes it', async () => {
    const [first, second] = TRIAGE;
    const { call: card } = await withAction(0, a.room, (x) => x.verb === 'item.done' && (x.data as Json).itemId === first!.id);
    const m = mark();
    const done = await ok(cardAction(inChannel(dana, a.room), 'item.done', { incidentId: a.id, itemId: first!.id }, { ...onCard(a.room, card.id!), replyToId: card.id! }));
    // The clicker sees the card refreshed in the invoke response: the step done, by Dana.
    expect(done).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(done.value)).toContain('Done by <at>Dana Scully</at>');
    expect(await item(a.id, first!.id)).toMatchObject({ status: 'done', actor: dana.user });
    // The card is refreshed in place, for everyone.
    await until(() => expect(f.connector.calls.slice(m).some((c) => c.kind === 'update' && c.activityId === card.id)).toBe(true));

    const skipButton = actionsOf(card).find((x) => (x.data as Json | undefined)?.form === 'skip' && (x.data as Json).itemId === second!.id)!;
    const fetched = await ok(taskInvoke(inChannel(dana, a.room), 'task/fetch', skipButton.data as Json, onCard(a.room, 'card')));
    const dialog = (fetched.task as { value: { card: { content: Json } } }).value.card.content;
    const submit = ((dialog.actions as Json[])[0]!.data ?? {}) as Json;
    // No reason: the form comes back with the reason to give, and nothing is written.
    const refused = await ok(taskInvoke(inChannel(dana, a.room), 'task/submit', { ...submit, reason: '', na: 'no' }, onCard(a.room, 'card')));
    expect(JSON.stringify(refused)).toContain('⛔');
    expect(await item(a.id, second!.id)).toBeNull();
    await ok(taskInvoke(inChannel(dana, a.room), 'task/submit', { ...submit, reason: 'Mirror logs are not kept', na: 'no' }, onCard(a.room, 'card')));
    expect(await item(a.id, second!.id)).toMatchObject({ status: 'skipped', actor: dana.user, reason: 'Mirror logs are not kept' });

    await ok(cardAction(inChannel(dana, a.room), 'item.undo', { incidentId: a.id, itemId: second!.id }, onCard(a.room, 'card')));
    expect((await item(a.id, second!.id))?.status).toBe('open');
  });

  it('posts a §7.1 update from its dialog, and the next reminder arrives proactively in the room', async () => {
    const m = mark();
    const { action } = await withAction(0, a.room, (x) => (x.data as Json | undefined)?.form === 'update');
    const fetched = await ok(taskInvoke(inChannel(dana, a.room), 'task/fetch', action.data as Json, onCard(a.room, headerId)));
    const submit = (((fetched.task as { value: { card: { content: Json } } }).value.card.content.actions as Json[])[0]!.data ?? {}) as Json;
    const fields = { changed: 'Mirror pinned to the last good index', impact: 'acme on stable', mitigation: content.cadence.mitigationOptions[0]!, mitigationDetail: '', nextActions: 'Verify the packs', owner: dana.user };
    expect(await ok(taskInvoke(inChannel(dana, a.room), 'task/submit', { ...submit, ...fields }, onCard(a.room, headerId)))).toEqual({});
    await until(() => expect(sentTo(m, a.room).some((c) => textOf(c).includes('Mirror pinned to the last good index'))).toBe(true));
    const row = await incidentRow(a.id);
    expect(row.lastUpdateAt).not.toBeNull();

    const before = mark();
    t.clock.advance(61 * MINUTE);
    await t.bot.scheduler.tick();
    const reminder = await withAction(before, a.room, (x) => x.verb === 'update.snooze');
    expect(textOf(reminder.call)).toContain('<at>Dana Scully</at>');
    // Proactive: sent with the bot's own token to the stored serviceUrl.
    expect(reminder.call.authorization).toMatch(/^Bearer bot-token-/);
  });

  it('a destructive action needs a second person: Dana requests it (with her evidence override), Sam approves, Dana confirms', async () => {
    const m = mark();
    const fetched = await ok(taskInvoke(inChannel(dana, a.room), 'task/fetch', { form: 'action', actionId: 'rollback-to-lkg', incidentId: a.id }, onCard(a.room, headerId)));
    const dialog = (fetched.task as { value: { card: { content: Json } } }).value.card.content;
    const submit = ((dialog.actions as Json[])[0]!.data ?? {}) as Json;
    const params = { 'param:tenant': 'acme', 'param:channel': 'stable', 'param:environment': 'prod-eu', override: 'Every acme device is failing; the snapshot would take 30 minutes.' };
    expect(await ok(taskInvoke(inChannel(dana, a.room), 'task/submit', { ...submit, ...params }, onCard(a.room, headerId)))).toEqual({});
    const [req] = await t.db.actionRequest.findMany({ where: { incidentId: a.id } });
    expect(req).toMatchObject({ actionId: 'rollback-to-lkg', status: 'awaiting_approval', requestedBy: dana.user });
    const { action: approve } = await withAction(m, a.room, (x) => x.verb === 'action.approve');
    expect(approve.data).toMatchObject({ requestId: req!.id });

    // The requester cannot approve her own request.
    const own = await ok(cardAction(inChannel(dana, a.room), 'action.approve', { requestId: req!.id }, onCard(a.room, 'req')));
    expect(own.type).toBe('application/vnd.microsoft.activity.message');
    expect((await t.db.actionRequest.findUniqueOrThrow({ where: { id: req!.id } })).status).toBe('awaiting_approval');

    await ok(cardAction(inChannel(sam, a.room), 'action.approve', { requestId: req!.id }, onCard(a.room, 'req')));
    const confirm = await withAction(m, a.room, (x) => x.verb === 'action.confirm');
    expect((await t.db.actionRequest.findUniqueOrThrow({ where: { id: req!.id } })).approvedBy).toBe(sam.user);
    await ok(cardAction(inChannel(dana, a.room), 'action.confirm', { ...(confirm.action.data as Record<string, string>) }, onCard(a.room, 'confirm')));
    await until(async () => expect((await t.db.actionRequest.findUniqueOrThrow({ where: { id: req!.id } })).status).toBe('succeeded'));
  });

  it('resolves once recovery is done and the Orgo Case recorded, then uploads the postmortem packet to the channel files', async () => {
    await ok(commandMessage(inChannel(dana, a.room), 'checklist recovery', onCard(a.room, 'cmd1')));
    for (const step of RECOVERY) await ok(cardAction(inChannel(dana, a.room), 'item.done', { incidentId: a.id, itemId: step.id }, onCard(a.room, 'rec')));
    await ok(commandMessage(inChannel(dana, a.room), `case ${CASE}`, onCard(a.room, 'cmd2')));
    expect((await incidentRow(a.id)).orgoCaseUrl).toBe(CASE);
    await ok(commandMessage(inChannel(dana, a.room), 'resolve', onCard(a.room, 'cmd3')));
    expect((await incidentRow(a.id)).status).toBe('resolved');

    await ok(commandMessage(inChannel(dana, a.room), 'postmortem', onCard(a.room, 'cmd4')));
    const upload = await until(() => {
      const u = f.graph.uploads.find((x) => x.path.endsWith(`incident-${a.number}-postmortem.md`));
      expect(u).toBeDefined();
      return u!;
    });
    expect(upload.path.startsWith(`folder-${a.room}/`)).toBe(true);
    expect(upload.content).toContain('Mirror serves stale packs');
  });

  it('fills the postmortem sections and adds a corrective action through dialogs opened from the private answers, with a colleague picked by Entra id', async () => {
    const openFrom = async (command: string, form: string) => {
      const m = mark();
      await ok(commandMessage(inChannel(dana, a.room), command, onCard(a.room, `cmd-${form}`)));
      const { action } = await withAction(m, personalOf(dana), (x) => (x.data as Json | undefined)?.form === form);
      // The button sits in Dana's 1:1 chat and names the room it acts on.
      expect(action.data).toMatchObject({ form, room: a.room });
      return dialogCard(await ok(taskInvoke(dana, 'task/fetch', action.data as Json, { personal: true })));
    };

    const pm = await openFrom('postmortem edit', 'postmortem');
    const sections = { rootCauseTechnical: 'The mirror kept a stale index', rootCauseProcess: 'No alert on index age', whatWorked: 'The rollback', whatDidNot: 'Paging', rootCauseVerified: 'yes' };
    expect(await ok(taskInvoke(dana, 'task/submit', { ...submitData(pm), ...sections }, { personal: true }))).toEqual({});
    expect(await t.db.postmortem.findUniqueOrThrow({ where: { incidentId: a.id } })).toMatchObject({ rootCauseTechnical: 'The mirror kept a stale index', rootCauseVerified: true });

    f.connector.members.set('0b0b0b0b-1111-4222-8333-944455566677', { id: sam.user, name: sam.name });
    const fu = await openFrom('followup add', 'followup');
    const form = { title: 'Alert on mirror index age', owner: '0b0b0b0b-1111-4222-8333-944455566677', dueOn: '2027-01-15' };
    expect(await ok(taskInvoke(dana, 'task/submit', { ...submitData(fu), ...form }, { personal: true }))).toEqual({});
    const [row] = await t.db.followup.findMany({ where: { incidentId: a.id } });
    expect(row).toMatchObject({ title: 'Alert on mirror index age', owner: sam.user, createdBy: dana.user });
    expect(row!.dueOn?.toISOString().slice(0, 10)).toBe('2027-01-15');
  });

  it('refuses a card action whose body names this incident from another tenant, under that tenant’s valid token: nothing written', async () => {
    const mallory = actor(f, { tenant: 'b7777777-7777-4777-8777-777777777777', user: '29:mallory', name: 'Mallory', channel: a.room, team: dana.team });
    const open = RECOVERY[0]!;
    await ok(cardAction(inChannel(dana, a.room), 'item.undo', { incidentId: a.id, itemId: open.id }, onCard(a.room, 'x')));
    const events = await t.db.timelineEvent.count({ where: { incidentId: a.id } });
    const conversations = await t.db.teamsConversation.count();
    const m = mark();
    const res = await ok(cardAction(mallory, 'item.done', { incidentId: a.id, itemId: open.id }, onCard(a.room, 'x')));
    expect(res.type).toBe('application/vnd.microsoft.activity.message');
    expect((await item(a.id, open.id))?.status).toBe('open');
    expect(await t.db.timelineEvent.count({ where: { incidentId: a.id } })).toBe(events);
    expect(f.connector.calls.slice(m).filter((c) => c.kind === 'update' || c.conversationId === a.room)).toEqual([]);
    expect(await t.db.teamsConversation.count()).toBe(conversations);
    // The same body claiming this tenant in the conversation but the other in channelData is refused outright.
    const mixed = cardAction(mallory, 'item.done', { incidentId: a.id, itemId: open.id }, onCard(a.room, 'x'));
    mixed.conversation.tenantId = dana.tenant;
    expect((await send(f, t.messagesUrl, mixed)).status).toBe(403);
    expect(await t.db.timelineEvent.count({ where: { incidentId: a.id } })).toBe(events);
  });
});
