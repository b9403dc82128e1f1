// Teams requests are authenticated as the Bot Framework does it, fully offline: the bot checks each
// activity's JWT against a local OpenID issuer and gets its own token from a local token endpoint.
// Every token that fails validation gets 401 with nothing written and nothing sent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../fakes/json-server.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { actor, APP_ID, commandMessage, postActivity, send, startTeamsFakes, teamsConfig, type TeamsFakes } from '../support/teams.js';

let f: TeamsFakes;
let t: TestBot;

beforeAll(async () => {
  f = await startTeamsFakes();
  t = await startTestBot({ teams: teamsConfig(f) });
});
afterAll(async () => {
  await t?.stop();
  await f?.stop();
});

const written = async () => ({ conversations: await t.db.teamsConversation.count(), workspaces: await t.db.workspace.count({ where: { platform: 'teams' } }) });

describe('a refused Teams request', () => {
  let before: Awaited<ReturnType<typeof written>>;
  let sent: number;
  beforeEach(async () => {
    before = await written();
    sent = f.connector.calls.length;
  });

  const refusals: [string, (msg: ReturnType<typeof commandMessage>) => Promise<string | null>][] = [
    ['no token', async () => null],
    ['a token that is not a bearer token', async (m) => `Basic ${await f.issuer.token(APP_ID, m.serviceUrl)}`],
    ['a token expired beyond the allowed skew', async (m) => `Bearer ${await f.issuer.token(APP_ID, m.serviceUrl, { exp: -600 })}`],
    ['a token for another bot', async (m) => `Bearer ${await f.issuer.token(APP_ID, m.serviceUrl, { aud: 'f0f0f0f0-0000-4000-8000-000000000000' })}`],
    ['a token from another issuer', async (m) => `Bearer ${await f.issuer.token(APP_ID, m.serviceUrl, { iss: 'https://sts.example.com/' })}`],
    ['a token signed by an unknown key', async (m) => `Bearer ${await f.issuer.token(APP_ID, m.serviceUrl, { key: await f.issuer.otherKey() })}`],
    ['a token signed by another key under the published kid', async (m) => `Bearer ${await f.issuer.token(APP_ID, m.serviceUrl, { key: await f.issuer.otherKey(f.issuer.publishedKid) })}`],
    ['an unsigned token (alg none)', async (m) => `Bearer ${f.issuer.unsigned(APP_ID, m.serviceUrl)}`],
    ['a token not valid until later (future nbf)', async (m) => `Bearer ${await f.issuer.token(APP_ID, m.serviceUrl, { nbf: 600 })}`],
    ['a token issued for another serviceUrl', async (m) => `Bearer ${await f.issuer.token(APP_ID, m.serviceUrl, { serviceUrl: 'https://smba.example.com/emea/' })}`],
  ];

  it.each(refusals)('%s gets 401, with nothing written and nothing sent', async (_name, authorization) => {
    const msg = commandMessage(actor(f), 'help');
    const res = await postActivity(t.messagesUrl, msg, await authorization(msg));
    expect(res.status).toBe(401);
    expect(await written()).toEqual(before);
    expect(f.connector.calls.length).toBe(sent);
  });

  it('a token whose tenant differs from the activity is refused (403), with nothing written', async () => {
    const msg = commandMessage(actor(f), 'help');
    const res = await postActivity(t.messagesUrl, msg, `Bearer ${await f.issuer.token(APP_ID, msg.serviceUrl, { extra: { tid: 'b0000000-0000-4000-8000-000000000000' } })}`);
    expect(res.status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it('an activity claiming another channel than Teams gets 401 (the keys are endorsed for msteams only), with nothing written', async () => {
    const msg = { ...commandMessage(actor(f), 'help'), channelId: 'webchat' };
    expect((await send(f, t.messagesUrl, msg)).status).toBe(401);
    expect(await written()).toEqual(before);
  });
});

describe('an authentic Teams request', () => {
  it('is answered, with the bot’s own token obtained from the local token endpoint', async () => {
    const who = actor(f, { user: '29:auth-ok', name: 'Ok User' });
    const res = await send(f, t.messagesUrl, commandMessage(who, 'help'));
    expect(res.status).toBe(200);
    const help = await until(() => {
      const c = f.connector.calls.find((x) => x.kind === 'send' && JSON.stringify(x.body).includes('Incident commands'));
      expect(c).toBeDefined();
      return c!;
    });
    // The help is private: a 1:1 chat opened for the sender, not a reply in the channel.
    expect(f.connector.of('create').at(-1)?.body).toMatchObject({ isGroup: false, members: [{ id: who.user }], tenantId: who.tenant });
    expect(help.conversationId).toBe(f.connector.of('create').at(-1)!.conversationId);
    expect(f.issuer.tokenRequests().length).toBeGreaterThan(0);
    expect(help.authorization).toMatch(/^Bearer bot-token-\d+$/);
    expect(await t.db.teamsConversation.findUnique({ where: { workspaceId_roomId: { workspaceId: (await t.db.workspace.findFirstOrThrow({ where: { platform: 'teams', externalId: who.tenant } })).id, roomId: who.channel } } })).not.toBeNull();
  });
});
