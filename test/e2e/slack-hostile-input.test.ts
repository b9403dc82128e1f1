// Hostile and mangled requests, signed with the real secret, sent to the real server: none of them
// ends the process, each gets an answer at once, and none writes a row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait, type DeclaredIncident } from '../support/declared.js';
import { buttonClick, commandBody, interactionBody, postSigned, viewSubmission, type Actor } from '../support/slack-requests.js';

const IC = 'UIC';
let t: TestBot;
let inc: DeclaredIncident;
const at = (room: string, user = IC): Actor => ({ team: 'T1', user, channel: room });

/** Every row a request could have written. */
const rows = async () =>
  (await Promise.all([t.db.workspace.count(), t.db.incident.count(), t.db.timelineEvent.count(), t.db.job.count(), t.db.delivery.count()])).join(',');

/** A click as Slack sends it, with `change` applied to its parsed payload. */
const mangledClick = (change: (p: Record<string, unknown>) => void) => {
  const payload = JSON.parse(decodeURIComponent(buttonClick(at(inc.room), 'snooze_update', inc.id, t.responseUrl).slice('payload='.length)));
  change(payload);
  return interactionBody(payload);
};

beforeAll(async () => {
  t = await startTestBot();
  inc = await declareAndWait(t, at('CGENERAL'), 'VHOSTILE', { title: 'Activation failing on stable', severity: 'SEV2', areas: ['distribution_activation'], tenants: 'acme', channels: 'stable' });
}, 60_000);

afterAll(() => t?.stop());

describe('bodies Bolt cannot read', () => {
  it.each([
    ['payload=null', 'payload=null', undefined],
    ['a payload that is a number', 'payload=42', undefined],
    ['a payload that is a list', 'payload=%5B%5D', undefined],
    ['a payload that is not JSON', 'payload=%7Bnope', undefined],
    ['a JSON body of null', 'null', 'application/json'],
    ['a JSON body of a string', '"hello"', 'application/json'],
  ])('answers %s with 400, writes nothing, and keeps serving', async (_name, body, contentType) => {
    const before = await rows();
    const res = await postSigned(t.eventsUrl, body, { contentType });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/^Refused: /);
    expect(await rows()).toBe(before);
    const status = await postSigned(t.eventsUrl, commandBody(at(inc.room), 'status', t.responseUrl));
    expect(status.status).toBe(200);
  });
});

describe('ids that are not Slack ids', () => {
  it.each([
    ['a numeric user id', (p: Record<string, unknown>) => ((p.user as Record<string, unknown>).id = 123)],
    ['a boolean user id', (p: Record<string, unknown>) => ((p.user as Record<string, unknown>).id = true)],
    ['an object user id', (p: Record<string, unknown>) => ((p.user as Record<string, unknown>).id = {})],
    ['a user id with punctuation', (p: Record<string, unknown>) => ((p.user as Record<string, unknown>).id = 'U1; DROP')],
    ['no team, only the user’s team_id', (p: Record<string, unknown>) => delete p.team],
    ['a team id of 100,000 characters', (p: Record<string, unknown>) => ((p.team as Record<string, unknown>).id = 'T'.repeat(100_000))],
    ['a channel id in lower case', (p: Record<string, unknown>) => ((p.channel as Record<string, unknown>).id = 'cgeneral')],
    ['actions that are not a list', (p: Record<string, unknown>) => (p.actions = 'snooze_update')],
    ['an action without an action id', (p: Record<string, unknown>) => (p.actions = [{ value: 'x' }])],
  ])('refuses a click with %s, with 400, and writes nothing', async (_name, change) => {
    const before = await rows();
    const res = await postSigned(t.eventsUrl, mangledClick(change));
    expect(res.status).toBe(400);
    expect(await rows()).toBe(before);
  });

  it('refuses a slash command from a junk team id, and stores no workspace for it', async () => {
    const before = await rows();
    const res = await postSigned(t.eventsUrl, commandBody({ team: 'T'.repeat(100_000), user: IC, channel: 'CGENERAL' }, 'list', t.responseUrl));
    expect(res.status).toBe(400);
    expect(await rows()).toBe(before);
  });
});

describe('button values the bot did not make', () => {
  it('refuses an Approve click whose request id is not a UUID, privately, and writes nothing', async () => {
    const before = await rows();
    const res = await postSigned(t.eventsUrl, buttonClick(at(inc.room), 'approve_action', 'not-a-uuid', t.responseUrl));
    expect(res.status).toBe(200);
    const told = await t.slack.until(() => {
      const m = t.slack.called('chat.postEphemeral').find((c) => String(c.body.text).includes('not made by this bot'));
      expect(m).toBeDefined();
      return m!;
    });
    expect(told.body.user).toBe(IC);
    expect(await rows()).toBe(before);
  });

  it('refuses a click from a workspace the bot has never posted in, and stores no workspace for it', async () => {
    const before = await rows();
    const stranger: Actor = { team: 'TSTRANGER', user: 'UFUZZ', channel: inc.room };
    const res = await postSigned(t.eventsUrl, buttonClick(stranger, 'snooze_update', inc.id, t.responseUrl));
    expect(res.status).toBe(200);
    await t.slack.until(() => expect(t.slack.called('chat.postEphemeral').some((c) => c.body.user === 'UFUZZ' && String(c.body.text).includes('does not exist here'))).toBe(true));
    expect(await rows()).toBe(before);
    expect(await t.db.workspace.count({ where: { externalId: 'TSTRANGER' } })).toBe(0);
  });
});

describe('what no listener handles', () => {
  it('acks a click on an action id the bot does not know at once, instead of a 404 after 3 s', async () => {
    const res = await postSigned(t.eventsUrl, buttonClick(at(inc.room), 'made_up_action', inc.id, t.responseUrl));
    expect(res.status).toBe(200);
  });

  it('acks a submission of a callback id the bot does not know', async () => {
    const before = await rows();
    const res = await postSigned(t.eventsUrl, viewSubmission(at(inc.room), { id: 'VUNKNOWN', callbackId: 'made_up_form', privateMetadata: '', values: {} }));
    expect(res.status).toBe(200);
    expect(await rows()).toBe(before);
  });
});

describe('request timestamps', () => {
  it('refuses a request dated 10 minutes in the future with 401', async () => {
    const res = await postSigned(t.eventsUrl, commandBody(at(inc.room), 'status', t.responseUrl), { timestamp: Math.floor(Date.now() / 1000) + 600 });
    expect(res.status).toBe(401);
  });
});

describe('control characters', () => {
  it('strips NUL and other control characters from text before it is stored', async () => {
    const nul = await declareAndWait(t, at('CGENERAL'), 'VNUL', { title: 'Login\u0000 broken\u0007 for\u001b acme', severity: 'SEV3', areas: ['distribution_activation'] });
    expect((await t.db.incident.findUniqueOrThrow({ where: { id: nul.id } })).title).toBe('Login broken for acme');
  });

  it.each([
    ['a right-to-left override', 'https://orgo.example/cases/1\u202Efdp.exe'],
    ['a zero-width space', 'https://orgo.example/cases/\u200B1'],
  ])('refuses a case link with %s, and records nothing', async (_name, url) => {
    const before = await rows();
    const res = await postSigned(t.eventsUrl, commandBody(at(inc.room), `case ${url}`, t.responseUrl));
    expect(res.status).toBe(200);
    expect((res.json() as { text: string }).text).toMatch(/Orgo Case/);
    expect(await rows()).toBe(before);
    expect((await t.db.incident.findUniqueOrThrow({ where: { id: inc.id } })).orgoCaseUrl).toBeNull();
  });
});
