// GET /metrics on the bot's own port, fed by what really happened: acks by kind, Slack API errors by
// method and code, jobs by state, refusals by gate.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait } from '../support/declared.js';
import { scrape } from '../support/metrics.js';
import { commandBody, postSigned, type Actor } from '../support/slack-requests.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';

const alice: Actor = { team: 'T1', user: 'UALICE', channel: 'CGENERAL' };
let t: TestBot;
let base = '';

beforeAll(async () => {
  t = await startTestBot();
  base = `http://127.0.0.1:${t.bot.port}`;
});
afterAll(() => t.stop());

it('counts acks by kind, Slack API errors by method and code, and the jobs waiting', async () => {
  const commands = await scrape(base, 'incident_bot_ack_seconds_count', { surface: 'slack', kind: 'command' });
  await postSigned(t.eventsUrl, commandBody(alice, 'help', t.responseUrl));
  expect(await scrape(base, 'incident_bot_ack_seconds_count', { surface: 'slack', kind: 'command' })).toBe(commands + 1);

  t.slack.fail('conversations.create', { error: 'name_taken' });
  const declared = await declareAndWait(t, alice, 'VMETRICS', { title: 'Metrics', severity: 'SEV1' });
  expect(await scrape(base, 'incident_bot_ack_seconds_count', { surface: 'slack', kind: 'view_submission' })).toBeGreaterThanOrEqual(1);
  expect(await scrape(base, 'incident_bot_chat_api_errors_total', { surface: 'slack', method: 'conversations.create', code: 'name_taken' })).toBe(1);

  // The SEV1 update reminder and the triage reminder wait in the queue; none is due yet.
  expect(await scrape(base, 'incident_bot_jobs', { state: 'due' })).toBe(0);
  t.clock.advance(16 * 60_000);
  expect(await scrape(base, 'incident_bot_jobs', { state: 'due' })).toBe(2);
  await t.bot.scheduler.tick();
  expect(await scrape(base, 'incident_bot_jobs', { state: 'due' })).toBe(0);
  expect(await scrape(base, 'incident_bot_reminder_lag_seconds_count', { kind: 'update.reminder' })).toBe(1);

  // A gate's refusal is counted when it is committed to the timeline.
  const row = await t.db.incident.findUniqueOrThrow({ where: { id: declared.id }, select: { workspaceId: true } });
  const ws = { id: row.workspaceId, platform: 'slack' as const, externalId: 'T1' };
  const refused = await scrape(base, 'incident_bot_refusals_total', { gate: 'tenant' });
  await new PrismaIncidentRepository(t.db, TEST_TIMELINE_KEY).change(ws, declared.id, t.clock.now(), () => ({
    events: [{ type: 'action.refused', actor: 'UALICE', data: { actionId: 'pause-auto-activation', rule: 'tenant', reason: 'not listed' } }],
    result: null,
  }));
  expect(await scrape(base, 'incident_bot_refusals_total', { gate: 'tenant' })).toBe(refused + 1);
});
