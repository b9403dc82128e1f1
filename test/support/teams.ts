// Teams as the Bot Framework delivers it, offline: a local issuer signs each activity's JWT, replies
// and proactive messages land on a fake connector at the activity's serviceUrl, Graph calls on a
// fake Graph. Activities are built as Teams sends them (channel, thread, personal chat, invokes).
import { randomUUID } from 'node:crypto';
import type { TeamsConfig } from '../../src/config.js';
import { FakeGraph } from '../fakes/graph.js';
import { FakeConnector } from '../fakes/teams-connector.js';
import { FakeTeamsIssuer, ISSUER } from '../fakes/teams-issuer.js';

export const APP_ID = '5a1f3c9e-2b4d-4e6f-8a0b-1c2d3e4f5a6b';
export const BOT = { id: `28:${APP_ID}`, name: 'Incident' };

export type TeamsFakes = { issuer: FakeTeamsIssuer; connector: FakeConnector; graph: FakeGraph; stop(): Promise<void> };

export async function startTeamsFakes(): Promise<TeamsFakes> {
  const [issuer, connector, graph] = await Promise.all([new FakeTeamsIssuer().start(), new FakeConnector().start(), new FakeGraph().start()]);
  return { issuer, connector, graph, stop: async () => void (await Promise.all([issuer.stop(), connector.stop(), graph.stop()])) };
}

/** The bot's Teams settings against the fakes: every endpoint key set, Graph and file links optional. */
export function teamsConfig(f: TeamsFakes, opts: { graph?: boolean } = {}): TeamsConfig {
  return {
    appId: APP_ID,
    appType: 'MultiTenant',
    appPassword: 'test-client-secret',
    endpoints: { openIdMetadataUrl: f.issuer.metadataUrl, tokenIssuer: ISSUER, loginUrl: f.issuer.loginUrl },
    ...(opts.graph ? { graphUrl: f.graph.url } : { files: { publicUrl: 'http://files.invalid', secret: 'a-test-secret-of-thirty-two-chars!!' } }),
  };
}

export type TeamsActor = { tenant: string; team: string; channel: string; user: string; name: string; serviceUrl: string };

export function actor(f: TeamsFakes, over: Partial<TeamsActor> = {}): TeamsActor {
  return { tenant: 'a0c1e2f3-1111-4222-8333-944455566677', team: '19:team-general@thread.tacv2', channel: '19:ops@thread.tacv2', user: '29:dana', name: 'Dana Scully', serviceUrl: f.connector.serviceUrl, ...over };
}

type Where = { conversationId?: string; personal?: boolean };

function base(who: TeamsActor, where: Where = {}) {
  const personal = where.personal ?? false;
  return {
    id: `act-${randomUUID()}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: who.serviceUrl,
    from: { id: who.user, name: who.name, aadObjectId: randomUUID() },
    recipient: BOT,
    conversation: personal
      ? { id: `a:personal-${who.user}`, conversationType: 'personal', tenantId: who.tenant }
      : { id: where.conversationId ?? `${who.channel};messageid=1699999999000`, conversationType: 'channel', isGroup: true, tenantId: who.tenant },
    channelData: personal ? { tenant: { id: who.tenant } } : { tenant: { id: who.tenant }, team: { id: who.team }, channel: { id: who.channel } },
  };
}

/** `@Incident <text>` in a channel (or `<text>` in a personal chat); `@<name>` mentions people. */
export function commandMessage(who: TeamsActor, text: string, opts: Where & { mentions?: { id: string; name: string }[] } = {}) {
  const others = opts.mentions ?? [];
  const body = others.reduce((s, m) => s.replace(`@${m.name}`, `<at>${m.name}</at>`), text);
  const botAt = opts.personal ? '' : '<at>Incident</at> ';
  return {
    ...base(who, opts),
    type: 'message',
    text: `${botAt}${body}`,
    entities: [
      ...(opts.personal ? [] : [{ type: 'mention', text: '<at>Incident</at>', mentioned: BOT }]),
      ...others.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: m })),
    ],
  };
}

/** A click on an Action.Execute button of a card the bot posted (`replyToId` is that card). */
export function cardAction(who: TeamsActor, verb: string, data: Record<string, string>, opts: Where & { replyToId?: string } = {}) {
  return { ...base(who, opts), type: 'invoke', name: 'adaptiveCard/action', replyToId: opts.replyToId, value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } };
}

/** A dialog opening (task/fetch) or its submission (task/submit), with the button's data and the inputs. */
export function taskInvoke(who: TeamsActor, name: 'task/fetch' | 'task/submit', data: Record<string, unknown>, opts: Where = {}) {
  return { ...base(who, opts), type: 'invoke', name, value: { data: { msteams: { type: 'task/fetch' }, ...data }, context: { theme: 'default' } } };
}

export type Posted = { status: number; body: unknown };

export async function postActivity(url: string, activity: object, authorization: string | null): Promise<Posted> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Posts as Teams does: with a fresh channel token for the activity's serviceUrl. */
export async function send(f: TeamsFakes, url: string, activity: { serviceUrl: string }): Promise<Posted> {
  return postActivity(url, activity, `Bearer ${await f.issuer.token(APP_ID, activity.serviceUrl)}`);
}
