// Running an incident from its channel: assign, take role, severity and status over signed HTTP,
// including the races, the refusals and the payloads that lie about which incident they touch.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { buttonClick, commandBody, declareSubmission, postSigned, type Actor } from '../support/slack-requests.js';

let t: TestBot;
let room = '';
let incidentId = '';
const ic: Actor = { team: 'T1', user: 'UIC', channel: 'CGENERAL' };
const inRoom = (user: string, team = 'T1'): Actor => ({ team, user, channel: room });

async function command(who: Actor, text: string) {
  const res = await postSigned(t.eventsUrl, commandBody(who, text, t.responseUrl));
  expect(res.status).toBe(200);
  return res.body ? (res.json() as { response_type?: string; text: string }) : { text: '' };
}

async function declare(who: Actor, viewId: string, form: Parameters<typeof declareSubmission>[2]) {
  await postSigned(t.eventsUrl, declareSubmission(who, viewId, form));
  return t.slack.until(async () => {
    const row = await t.db.incident.findFirst({ where: { declareKey: viewId, messages: { some: { shows: 'header' } } } });
    expect(row).not.toBeNull();
    return row!;
  });
}

beforeAll(async () => {
  t = await startTestBot();
  const incident = await (await declare(ic, 'VROLES', { title: 'Verify rejects on stable', severity: 'SEV2', areas: ['distribution_activation'], tenants: 'acme' }));
  room = incident.roomId!;
  incidentId = incident.id;
});
afterAll(() => t.stop());
beforeEach(() => {
  t.slack.calls.length = 0;
});

const holders = (role: string) => t.db.roleAssignment.findMany({ where: { incidentId, role: role as never, endedAt: null } });
/** What the clicker was told privately, once `count` answers have arrived. */
const refusalsTo = (user: string, count: number) =>
  t.slack.until(() => {
    const m = t.slack.called('chat.postEphemeral').filter((c) => c.body.user === user);
    expect(m).toHaveLength(count);
    return m;
  });
const writtenBy = (actor: string) => t.db.timelineEvent.count({ where: { actor } });
const events = (type: string) => t.db.timelineEvent.findMany({ where: { incidentId, type }, orderBy: { seq: 'asc' } });

describe('/incident assign', () => {
  it('lets the IC hand a role over, updates the header in place and tells the channel', async () => {
    const reply = await command(inRoom('UIC'), 'assign OPS <@UOPS|olga>');
    expect(reply).toMatchObject({ response_type: 'ephemeral', text: 'Done: <@UOPS> is now Operations Lead.' });
    expect((await holders('ops')).map((h) => h.userId)).toEqual(['UOPS']);
    await t.slack.until(() => expect(t.slack.called('chat.update')).toHaveLength(1));
    const update = t.slack.called('chat.update')[0]!;
    expect(update.body.channel).toBe(room);
    expect(JSON.stringify(update.body.blocks)).toContain('*Operations Lead*: <@UOPS>');
    expect(t.slack.called('chat.postMessage').some((c) => c.body.channel === room && String(c.body.text).includes('<@UOPS> is now *Operations Lead*'))).toBe(true);
  });

  it('keeps the role history when the IC reassigns', async () => {
    await command(inRoom('UIC'), 'assign ops <@UOPS2>');
    const all = await t.db.roleAssignment.findMany({ where: { incidentId, role: 'ops' }, orderBy: { assignedAt: 'asc' } });
    expect(all.map((a) => [a.userId, a.endedAt === null])).toEqual([['UOPS', false], ['UOPS2', true]]);
    const [, last] = await events('role.assigned').then((e) => e.slice(-2));
    expect(last!.data).toMatchObject({ role: 'ops', userId: 'UOPS2', previous: 'UOPS' });
  });

  it.each([
    ['assign pilot <@UX>', 'is not a role'],
    ['assign ops', 'Write it as `/incident assign <role> @user`'],
    ['assign ops dana', 'Name the person with an @-mention'],
  ])('answers "%s" with how to write it, and writes nothing', async (text, hint) => {
    const before = await t.db.timelineEvent.count();
    const reply = await command(inRoom('UIC'), text);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain(hint);
    expect(await t.db.timelineEvent.count()).toBe(before);
  });

  it('refuses someone who is not the IC', async () => {
    const reply = await command(inRoom('URANDOM'), 'assign sec <@URANDOM2>');
    expect(reply.text).toContain('Only the Incident Commander (<@UIC>) can assign roles');
    expect(await holders('sec')).toHaveLength(0);
  });

  it('refuses incident commands outside an incident channel', async () => {
    const reply = await command({ team: 'T1', user: 'UIC', channel: 'CGENERAL' }, 'assign ops <@UOPS>');
    expect(reply.text).toContain('This is not an incident channel');
  });
});

describe('Take role', () => {
  it('gives an unfilled role to exactly one of two people clicking at once; the other is told who won', async () => {
    const [a, b] = await Promise.all([
      postSigned(t.eventsUrl, buttonClick(inRoom('UKON1'), 'take_role:konnaxion', incidentId, t.responseUrl)),
      postSigned(t.eventsUrl, buttonClick(inRoom('UKON2'), 'take_role:konnaxion', incidentId, t.responseUrl)),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // Bolt acks a click before its listener runs. The loser is told after its change was refused, so
    // once someone is told, both clicks have been decided.
    const told = await t.slack.until(() => {
      const m = t.slack.called('chat.postEphemeral').find((c) => ['UKON1', 'UKON2'].includes(String(c.body.user)));
      expect(m).toBeDefined();
      return m!;
    });
    const loser = String(told.body.user);
    const winner = loser === 'UKON1' ? 'UKON2' : 'UKON1';
    expect(told.body.text).toContain(`Konnaxion Lead is already held by <@${winner}>`);
    expect((await holders('konnaxion')).map((h) => h.userId)).toEqual([winner]);
    expect((await events('role.assigned')).filter((e) => (e.data as { role: string }).role === 'konnaxion').map((e) => e.actor)).toEqual([winner]);
  });

  it('changes nothing when the same click is delivered twice', async () => {
    const click = buttonClick(inRoom('USEC'), 'take_role:sec', incidentId, t.responseUrl);
    await postSigned(t.eventsUrl, click);
    await postSigned(t.eventsUrl, click, { retryNum: 1 });
    await t.slack.until(async () => expect((await holders('sec')).map((h) => h.userId)).toEqual(['USEC']));
    expect((await events('role.assigned')).filter((e) => (e.data as { role: string }).role === 'sec')).toHaveLength(1);
  });

  it('refuses an incident id from another workspace, with nothing written', async () => {
    const other = await declareInOtherWorkspace();
    await postSigned(t.eventsUrl, buttonClick(inRoom('UMALLORY', 'T2'), 'take_role:ops', other, t.responseUrl));
    await postSigned(t.eventsUrl, buttonClick({ team: 'T2', user: 'UMALLORY', channel: room }, 'take_role:architect', incidentId, t.responseUrl));
    // Bolt acks a click before its listener runs: each refusal is told once its click was decided.
    const refusals = await refusalsTo('UMALLORY', 2);
    for (const r of refusals) expect(r.body.text).toContain('That incident does not exist here.');
    expect(await writtenBy('UMALLORY')).toBe(0);
  });

  it('refuses an incident id clicked from a channel that is not its own', async () => {
    await postSigned(t.eventsUrl, buttonClick({ team: 'T1', user: 'UX', channel: 'CELSEWHERE' }, 'take_role:architect', incidentId, t.responseUrl));
    await postSigned(t.eventsUrl, buttonClick(inRoom('UX'), 'take_role:architect', 'not-a-uuid', t.responseUrl));
    for (const r of await refusalsTo('UX', 2)) expect(r.body.text).toContain('That incident does not exist here.');
    expect(await writtenBy('UX')).toBe(0);
  });
});

describe('/incident severity and status', () => {
  it('lets the IC raise the severity, with the reason in the timeline and the header', async () => {
    const reply = await command(inRoom('UIC'), 'severity sev1 spreading to more tenants');
    expect(reply.text).toBe('Done: severity is now SEV1.');
    const [changed] = await events('severity.changed');
    expect(changed!.data).toEqual({ from: 'SEV2', to: 'SEV1', reason: 'spreading to more tenants' });
    expect(changed!.actor).toBe('UIC');
    await t.slack.until(() => expect(JSON.stringify(t.slack.called('chat.update')[0]?.body.blocks)).toContain('SEV1: System-wide outage'));
  });

  it.each([
    ['severity SEV9', 'is not a severity'],
    ['severity', 'Write it as `/incident severity SEV<0-4> [reason]`'],
    ['frobnicate now', 'is not an incident command'],
  ])('answers "%s" with how to write it', async (text, hint) => {
    expect((await command(inRoom('UIC'), text)).text).toContain(hint);
  });

  it('refuses a severity change by someone other than the IC', async () => {
    expect((await command(inRoom('UOPS2'), 'severity SEV3')).text).toContain('Only the Incident Commander');
    expect((await t.db.incident.findUnique({ where: { id: incidentId } }))!.severity).toBe('SEV1');
  });

  it('shows the status to the asker only', async () => {
    const reply = await command(inRoom('UANY'), 'status');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Incident #1: Verify rejects on stable (SEV1, declared)');
  });

  it('answers help outside incident channels', async () => {
    expect((await command({ team: 'T1', user: 'UANY', channel: 'CGENERAL' }, 'help')).text).toContain('/incident declare [title]');
  });
});

async function declareInOtherWorkspace(): Promise<string> {
  const row = await declare({ team: 'T2', user: 'UBOB', channel: 'CB' }, 'VOTHER', { title: 'Other workspace', severity: 'SEV3' });
  return row.id;
}
