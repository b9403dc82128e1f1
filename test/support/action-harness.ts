// The end-to-end vocabulary of the containment-action tests: signed commands, clicks and Run-form
// submissions as Slack sends them, and reads of what reached the fake Slack and the database.
import { expect } from 'vitest';
import type { ActionCatalog } from '../../src/core/actions/catalog.js';
import { findChainBreak } from '../../src/core/timeline/chain.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import type { Call } from '../fakes/slack-api.js';
import type { TestBot } from './bot.js';
import { declareAndWait } from './declared.js';
import { requestSubmission } from './slack-forms.js';
import { buttonClick, commandBody, postSigned, type Actor } from './slack-requests.js';

export type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: { action_id?: string; value?: string; text?: { text: string } };
  elements?: { action_id?: string; value?: string; text?: { text: string } }[];
  element?: { type: string; action_id: string; initial_value?: string; options?: { value: string }[] };
  optional?: boolean;
};
export type Incident = { id: string; room: string; header: string; number: number };

export const at = (room: string, user: string): Actor => ({ team: 'T1', user, channel: room });

/** The helpers over the bot `t()` returns once started; `general` is where incidents are declared. */
export function actionHarness(t: () => TestBot, CATALOG: ActionCatalog, general: Actor) {
  let views = 0;
  const mark = () => t().slack.calls.length;
  const since = (from: number, method: string) => t().slack.calls.slice(from).filter((c) => c.method === method);
  const postsIn = (from: number, room: string) => since(from, 'chat.postMessage').filter((c) => c.body.channel === room);
  const blocksOf = (c: Call) => (c.body.blocks ?? []) as Block[];
  const buttons = (blocks: Block[]) => blocks.flatMap((b) => [b.accessory, ...(b.elements ?? [])]).filter((e): e is NonNullable<Block['accessory']> => !!e?.action_id);

  const declare = (title: string, severity: string, scope: { tenants: string; channels: string; environments?: string; uncertain?: boolean }): Promise<Incident> =>
    declareAndWait(t(), general, `VACT${++views}`, { title, severity, areas: ['distribution_activation'], ...scope });

  async function command(who: Actor, text: string) {
    const res = await postSigned(t().eventsUrl, commandBody(who, text, t().responseUrl));
    expect(res.status).toBe(200);
    return (res.body ? res.json() : {}) as { text?: string; blocks?: Block[] };
  }

  const click = (who: Actor, actionId: string, value: string) => postSigned(t().eventsUrl, buttonClick(who, actionId, value, t().responseUrl));

  const submitRequest = (who: Actor, roomId: string, actionId: string, params: Record<string, string>, override?: string) =>
    postSigned(t().eventsUrl, requestSubmission(who, roomId, CATALOG.actions.find((a) => a.id === actionId)!, params, override));

  /** A submission the gates refuse: the form stays open with one error, returned. */
  async function refusedSubmission(res: Awaited<ReturnType<typeof postSigned>>): Promise<[string, string]> {
    expect(res.status).toBe(200);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    const errors = Object.entries(body.errors);
    expect(errors).toHaveLength(1);
    return errors[0]!;
  }

  const events = (incidentId: string, type: string) => t().db.timelineEvent.findMany({ where: { incidentId, type }, orderBy: { seq: 'asc' } });
  const actionEvents = async (incidentId: string) =>
    (await t().db.timelineEvent.findMany({ where: { incidentId, type: { startsWith: 'action.' } }, orderBy: { seq: 'asc' } })).map((e) => ({ type: e.type, actor: e.actor, data: e.data as Record<string, unknown> }));
  const requests = (incidentId: string) => t().db.actionRequest.findMany({ where: { incidentId }, orderBy: { seq: 'asc' } });
  const requestBySeq = (incidentId: string, seq: number) => t().db.actionRequest.findUniqueOrThrow({ where: { incidentId_seq: { incidentId, seq } } });

  /** Waits until request `seq` of the incident exists with `status`. */
  const untilStatus = (incidentId: string, seq: number, status: string, timeoutMs = 5000) =>
    t().slack.until(async () => {
      const r = await t().db.actionRequest.findUnique({ where: { incidentId_seq: { incidentId, seq } } });
      expect(r?.status).toBe(status);
      return r!;
    }, timeoutMs);

  function ephemeral(from: number, user: string, room: string) {
    return t().slack.until(() => {
      const m = since(from, 'chat.postEphemeral').filter((c) => c.body.user === user && c.body.channel === room);
      expect(m).toHaveLength(1);
      return String(m[0]!.body.text);
    });
  }

  /** The last header update of the incident. */
  const lastHeader = (inc: Incident) => t().slack.called('chat.update').filter((c) => c.body.channel === inc.room && c.body.ts === inc.header).at(-1);

  async function chainIntact(incidentId: string) {
    const row = await t().db.incident.findUniqueOrThrow({ where: { id: incidentId } });
    const ws = { id: row.workspaceId, platform: 'slack' as const, externalId: 'T1' };
    const timeline = await new PrismaIncidentRepository(t().db).timeline(ws, incidentId);
    expect(timeline.length).toBeGreaterThan(0);
    expect(findChainBreak(timeline)).toBeNull();
  }

  return { mark, since, postsIn, blocksOf, buttons, declare, command, click, submitRequest, refusedSubmission, events, actionEvents, requests, requestBySeq, untilStatus, ephemeral, lastHeader, chainIntact };
}
