// Driving a Teams bot from a test as people in Teams would: commands, clicks, dialogs, and reading
// back what reached the fake connector.
import { afterAll, beforeAll, expect } from 'vitest';
import { until } from '../fakes/json-server.js';
import type { ConnectorCall } from '../fakes/teams-connector.js';
import { walk } from './adaptive-cards.js';
import { startTestBot, type TestBot } from './bot.js';
import { commandMessage, send, startTeamsFakes, taskInvoke, teamsConfig, type TeamsActor, type TeamsFakes } from './teams.js';

export type Json = Record<string, unknown>;
export type Incident = { id: string; number: number; room: string };

export const cardOf = (c: ConnectorCall) => ((c.body.attachments as { content: Json }[] | undefined) ?? [])[0]?.content ?? {};
export const actionsOf = (c: ConnectorCall) => walk(cardOf(c)).filter((o) => typeof o.type === 'string' && (o.type as string).startsWith('Action.'));
export const textOf = (c: ConnectorCall) => JSON.stringify(cardOf(c));
export const personalOf = (who: TeamsActor) => `a:personal-${who.user}`;
/** Where a click on a card posted in a channel room comes from: the card's own thread. */
export const onCard = (room: string, activityId: string) => ({ conversationId: `${room};messageid=${activityId}` });
export const inChannel = (who: TeamsActor, room: string): TeamsActor => ({ ...who, channel: room });
export const dialogCard = (answer: Json) => (answer.task as { value: { card: { content: Json } } }).value.card.content;
export const submitData = (dialog: Json) => ((dialog.actions as Json[])[0]!.data ?? {}) as Json;

export class TeamsSession {
  constructor(
    private readonly f: TeamsFakes,
    private readonly t: TestBot,
  ) {}

  mark = () => this.f.connector.calls.length;

  sentTo = (from: number, conversationId: string) => this.f.connector.calls.slice(from).filter((c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === conversationId);

  /** The first message sent to `conversationId` since `from` with a button matching `pick`. */
  withAction = (from: number, conversationId: string, pick: (a: Json) => boolean) =>
    until(() => {
      const c = this.sentTo(from, conversationId).find((x) => actionsOf(x).some(pick));
      expect(c).toBeDefined();
      return { call: c!, action: actionsOf(c!).find(pick)! };
    });

  /** The newest card posted or repainted in `conversationId` since `from` with a button matching `pick` (a header in its latest paint). */
  shownWithAction = (from: number, conversationId: string, pick: (a: Json) => boolean) =>
    until(() => {
      const c = this.f.connector.calls.slice(from).filter((x) => x.conversationId === conversationId && x.kind !== 'delete' && actionsOf(x).some(pick)).at(-1);
      expect(c).toBeDefined();
      return { call: c!, action: actionsOf(c!).find(pick)! };
    });

  /** Posts an activity with a valid token and expects 200; returns the body (an invoke's answer). */
  ok = async (activity: { serviceUrl: string }) => {
    const res = await send(this.f, this.t.messagesUrl, activity);
    expect(res.status).toBe(200);
    return res.body as Json;
  };

  /** `@Incident declare <title>`, the button in the private answer, the dialog, its submission (twice). */
  async declareThroughDialog(who: TeamsActor, title: string, severity: string): Promise<Incident> {
    await this.submitDeclare(who, title, severity);
    const row = await until(async () => {
      const r = await this.t.db.incident.findFirst({ where: { title } });
      expect(r?.roomId).toBeTruthy();
      return r!;
    }, 10_000);
    expect(await this.t.db.incident.count({ where: { title } })).toBe(1);
    return { id: row.id, number: row.number, room: row.roomId! };
  }

  /** The declare dialog filled and submitted twice, without waiting for the incident's room. */
  async submitDeclare(who: TeamsActor, title: string, severity: string): Promise<void> {
    const m = this.mark();
    await this.ok(commandMessage(who, `declare ${title}`));
    const { action: button } = await this.withAction(m, personalOf(who), (a) => (a.data as Json | undefined)?.form === 'declare');
    const dialog = dialogCard(await this.ok(taskInvoke(who, 'task/fetch', button.data as Json, { personal: true })));
    const ids = walk(dialog.body).filter((o) => typeof o.id === 'string' && (o.type as string).startsWith('Input.')).map((o) => o.id);
    expect(ids).toEqual(['title', 'severity', 'symptom', 'areas', 'tenants', 'channels', 'environments', 'integrityUncertain', 'commander']);
    const inputs = { title, severity, areas: 'distribution_activation', tenants: 'acme', channels: 'stable', environments: 'prod-eu', integrityUncertain: 'no', commander: who.user };
    expect(await this.ok(taskInvoke(who, 'task/submit', { ...submitData(dialog), ...inputs }, { personal: true }))).toEqual({});
    // A second press of the same dialog's Declare finds the first incident.
    await this.ok(taskInvoke(who, 'task/submit', { ...submitData(dialog), ...inputs }, { personal: true }));
  }
}

/** A bot on the Teams fakes for a test file: started before its tests, stopped after them. */
export function teamsBotForFile(opts: { graph?: boolean } = {}) {
  const env = {} as { f: TeamsFakes; t: TestBot; s: TeamsSession };
  beforeAll(async () => {
    env.f = await startTeamsFakes();
    env.t = await startTestBot({ teams: teamsConfig(env.f, opts) });
    env.s = new TeamsSession(env.f, env.t);
  });
  afterAll(async () => {
    await env.t?.stop();
    await env.f?.stop();
  });
  return env;
}
