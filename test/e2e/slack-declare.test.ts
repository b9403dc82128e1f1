// Declaring over signed HTTP, as Slack sends it: the command opens the modal, the submission
// creates one incident, one channel, one IC and a hash-chained timeline, whatever is retried.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findChainBreak } from '../../src/core/timeline/chain.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { commandBody, declareSubmission, postSigned, type Actor } from '../support/slack-requests.js';
import { messageRefs } from '../support/declared.js';
import { TEST_TIMELINE_KEY, TEST_KEYING } from '../fakes/timeline-key.js';

const alice: Actor = { team: 'T1', user: 'UALICE', channel: 'CGENERAL' };
let t: TestBot;
let view = 0;
const nextView = () => `V${++view}`;

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());
beforeEach(() => {
  t.slack.calls.length = 0;
});

const incidents = () => t.db.incident.findMany({ orderBy: { number: 'asc' } });

describe('/incident declare', () => {
  it('opens the declare modal with the typed title and every severity definition', async () => {
    const res = await postSigned(t.eventsUrl, commandBody(alice, 'declare Pack signature failures', t.responseUrl));
    expect(res.status).toBe(200);
    const open = await t.slack.until(() => {
      const [call] = t.slack.called('views.open');
      expect(call).toBeDefined();
      return call!;
    });
    const modal = open.body.view as { callback_id: string; blocks: { block_id?: string; element?: { initial_value?: string; options?: { description: { text: string } }[] } }[] };
    expect(open.body.trigger_id).toMatch(/^trigger-/);
    expect(modal.callback_id).toBe('declare_incident');
    expect(modal.blocks.find((b) => b.block_id === 'title')?.element?.initial_value).toBe('Pack signature failures');
    const severity = modal.blocks.find((b) => b.block_id === 'severity')!;
    expect(severity.element?.options?.map((o) => o.description.text)[0]).toContain('Active compromise');
    expect(JSON.stringify(modal.blocks)).toContain('System-wide outage or incorrect canon distribution (bad pack broadly activated).');
  });

  it('creates the incident, its channel, the header, the IC and the announcement', async () => {
    const res = await postSigned(
      t.eventsUrl,
      declareSubmission(alice, nextView(), {
        title: 'Bad pack activated on stable',
        severity: 'SEV1',
        areas: ['distribution_activation', 'build_pipeline'],
        tenants: 'acme, globex',
        environments: 'prod-eu',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const pinned = await t.slack.until(() => {
      // The header and the §5 triage checklist.
      expect(t.slack.called('pins.add')).toHaveLength(2);
      expect(t.slack.called('chat.postMessage').some((c) => c.body.channel === alice.channel)).toBe(true);
      return t.slack.called('pins.add')[0]!;
    });
    const [create] = t.slack.called('conversations.create');
    expect(create!.body).toMatchObject({ name: 'inc-1-bad-pack-activated-on-stable', is_private: 'false' });
    const channelId = pinned.body.channel as string;
    expect(t.slack.called('conversations.invite')[0]!.body).toMatchObject({ channel: channelId, users: 'UALICE' });

    const header = t.slack.called('chat.postMessage').find((c) => c.body.channel === channelId)!;
    const headerText = JSON.stringify(header.body.blocks);
    expect(headerText).toContain('SEV1: System-wide outage');
    expect(headerText).toContain('*Incident Commander*: <@UALICE>');
    for (const lead of ['Operations Lead', 'Orgo Lead', 'Konnaxion Lead']) expect(headerText).toContain(`*${lead}*: _unfilled_`);
    expect(headerText).not.toContain('Security Lead');
    expect(headerText).toContain('take_role:ops');

    const triage = t.slack.called('chat.postMessage').find((c) => c.body.channel === channelId && JSON.stringify(c.body.blocks).includes('item:done:triage.'))!;
    expect(JSON.stringify(triage.body.blocks)).toContain('Assign IC + required leads.');
    expect(t.slack.called('pins.add')[1]!.body.timestamp).toBe(triage.response!.ts);

    const announcement = t.slack.called('chat.postMessage').find((c) => c.body.channel === alice.channel)!;
    expect(announcement.body.text).toContain(`<#${channelId}>`);

    const [incident] = await incidents();
    expect(incident).toMatchObject({
      number: 1,
      title: 'Bad pack activated on stable',
      severity: 'SEV1',
      status: 'declared',
      tenants: ['acme', 'globex'],
      environments: ['prod-eu'],
      roomId: channelId,
      declaredBy: 'UALICE',
    });
    expect(await messageRefs(t, incident!.id, 'header')).toEqual([pinned.body.timestamp]);
    const roles = await t.db.roleAssignment.findMany({ where: { incidentId: incident!.id } });
    expect(roles.map((r) => [r.role, r.userId])).toEqual([['ic', 'UALICE']]);

    const ws = { id: incident!.workspaceId, platform: 'slack' as const, externalId: 'T1' };
    const timeline = await new PrismaIncidentRepository(t.db, TEST_TIMELINE_KEY).timeline(ws, incident!.id);
    expect(timeline.map((e) => e.type)).toEqual(['incident.declared', 'role.assigned', 'checklist.attached', 'room.created']);
    expect(findChainBreak(timeline, TEST_KEYING)).toBeNull();
  });

  it('yields one incident and one channel when the same submission arrives twice or is retried', async () => {
    const id = nextView();
    const body = declareSubmission(alice, id, { title: 'Duplicate submit', severity: 'SEV2' });
    const [a, b] = await Promise.all([postSigned(t.eventsUrl, body), postSigned(t.eventsUrl, body)]);
    const retry = await postSigned(t.eventsUrl, body, { retryNum: 1 });
    expect([a.status, b.status, retry.status]).toEqual([200, 200, 200]);
    await t.slack.until(() => expect(t.slack.called('pins.add')).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 200));
    expect(t.slack.called('conversations.create')).toHaveLength(1);
    const rows = await t.db.incident.findMany({ where: { declareKey: id } });
    expect(rows).toHaveLength(1);
    expect(await t.db.timelineEvent.count({ where: { incidentId: rows[0]!.id, type: 'incident.declared' } })).toBe(1);
  });

  it('refuses a severity below SEV1 for trust roots, beside the severity field, and writes nothing', async () => {
    const before = (await incidents()).length;
    const res = await postSigned(
      t.eventsUrl,
      declareSubmission(alice, nextView(), { title: 'Key compromise suspected', severity: 'SEV2', areas: ['trust_roots_keys'] }),
    );
    expect(res.status).toBe(200);
    const answer = res.json() as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(answer.errors.severity).toMatch(/SEV2 is too low.*Trust roots \/ keys.*Runbook §4/s);
    expect((await incidents()).length).toBe(before);
    expect(t.slack.called('conversations.create')).toHaveLength(0);
  });

  it('refuses a severity below SEV1 when integrity is marked uncertain', async () => {
    const res = await postSigned(t.eventsUrl, declareSubmission(alice, nextView(), { title: 'Odd hashes', severity: 'SEV3', uncertain: true }));
    expect((res.json() as { errors: Record<string, string> }).errors.severity).toContain('integrity or isolation is marked uncertain');
  });

  it('shows a short title as an error on the title field', async () => {
    const res = await postSigned(t.eventsUrl, declareSubmission(alice, nextView(), { title: 'x', severity: 'SEV3' }));
    expect((res.json() as { errors: Record<string, string> }).errors.title).toContain('at least 3 characters');
  });

  it('adds a suffix when the channel name is taken', async () => {
    t.slack.fail('conversations.create', { error: 'name_taken' });
    await postSigned(t.eventsUrl, declareSubmission(alice, nextView(), { title: 'Name clash', severity: 'SEV3' }));
    await t.slack.until(() => expect(t.slack.called('pins.add')).toHaveLength(2));
    const names = t.slack.called('conversations.create').map((c) => c.body.name as string);
    expect(names).toHaveLength(2);
    expect(names[1]).toBe(`${names[0]}-2`);
  });

  it('retries a failed invite, then tells the declarer how to finish and records the failure', async () => {
    t.slack.fail('conversations.invite', { status: 500 }, 10);
    await postSigned(t.eventsUrl, declareSubmission(alice, nextView(), { title: 'Invite trouble', severity: 'SEV3' }));
    const dm = await t.slack.until(() => {
      const m = t.slack.called('chat.postMessage').find((c) => c.body.channel === 'UALICE' && String(c.body.text).includes('failed'));
      expect(m).toBeDefined();
      return m!;
    }, 15000);
    expect(t.slack.called('conversations.invite').length).toBeGreaterThan(1);
    expect(dm.body.text).toMatch(/channel\.invite failed .*Join <#CINC\d+> and add <@UALICE>/);
    expect(t.slack.called('pins.add')).toHaveLength(2);
    const incident = (await incidents()).find((i) => i.title === 'Invite trouble')!;
    const failures = await t.db.timelineEvent.findMany({ where: { incidentId: incident.id, type: 'delivery.failed' } });
    expect(failures.map((f) => (f.data as { step: string }).step)).toEqual(['channel.invite']);
  });

  it('keeps the incident when Slack cannot create the channel, and offers a retry', async () => {
    t.slack.fail('conversations.create', { error: 'restricted_action' });
    await postSigned(t.eventsUrl, declareSubmission(alice, nextView(), { title: 'No channel for you', severity: 'SEV3' }));
    const dm = await t.slack.until(() => {
      const m = t.slack.called('chat.postMessage').find((c) => c.body.channel === 'UALICE');
      expect(m).toBeDefined();
      return m!;
    });
    expect(dm.body.text).toContain('channel.create failed (restricted_action)');
    expect(JSON.stringify(dm.body.blocks)).toContain('retry_provision');
    const incident = (await incidents()).find((i) => i.title === 'No channel for you')!;
    expect(incident.roomId).toBeNull();
  });
});

describe('durable set-up', () => {
  it('finishes a set-up that failed, from the scheduler, two minutes after declaration', async () => {
    t.slack.fail('conversations.create', { error: 'internal_error' });
    await postSigned(t.eventsUrl, declareSubmission(alice, nextView(), { title: 'Set-up finished later', severity: 'SEV3' }));
    await t.slack.until(() => expect(t.slack.called('chat.postMessage').some((c) => String(c.body.text).includes('channel.create failed'))).toBe(true));
    const incident = (await incidents()).find((i) => i.title === 'Set-up finished later')!;
    expect(incident.roomId).toBeNull();

    await t.bot.scheduler.tick();
    expect(t.slack.called('conversations.create')).toHaveLength(1);
    t.clock.advance(2 * 60_000 + 1_000);
    await t.bot.scheduler.tick();
    const done = await t.db.incident.findUniqueOrThrow({ where: { id: incident.id } });
    expect(done.roomId).toMatch(/^CINC/);
    // Header and triage pinned in the new channel.
    expect(t.slack.called('pins.add').filter((c) => c.body.channel === done.roomId)).toHaveLength(2);
    // The safety-net job is finished, whichever came first: the set-up retiring it, or its own run.
    const setupJob = await t.db.job.findFirst({ where: { incidentId: incident.id, kind: 'room.setup' } });
    expect(setupJob).toMatchObject({ doneAt: expect.any(Date) });
    expect(['superseded', 'posted']).toContain(setupJob!.outcome);
  });
});

describe('searching before posting', () => {
  it('posts into a channel it just opened without searching it, and searches a channel it finds open before posting again', async () => {
    t.slack.fail('chat.postMessage', { error: 'internal_error' });
    await postSigned(t.eventsUrl, declareSubmission(alice, nextView(), { title: 'Header posted later', severity: 'SEV3' }));
    await t.slack.until(() => expect(t.slack.called('chat.postMessage').some((c) => String(c.body.text).includes('header.post failed'))).toBe(true));
    const { roomId } = (await incidents()).find((i) => i.title === 'Header posted later')!;
    const searches = () => t.slack.called('conversations.history').filter((c) => c.body.channel === roomId);
    const headers = () => t.slack.called('pins.add').filter((c) => c.body.channel === roomId);
    // The triage checklist went up in the new channel with no search; the header did not.
    expect(searches()).toHaveLength(0);
    expect(headers()).toHaveLength(1);

    // The set-up job finishes it two minutes later: the channel is open already, so it looks first.
    t.clock.advance(2 * 60_000 + 1_000);
    await t.bot.scheduler.tick();
    expect(searches().length).toBeGreaterThan(0);
    expect(headers()).toHaveLength(2);
    expect(t.slack.messages.get(roomId!)!.filter((m) => String(m.text).startsWith('Incident #') && String(m.text).includes('Header posted later'))).toHaveLength(1);
  });
});

describe('signatures', () => {
  it('answers 401 to a forged, stale or missing signature and writes nothing', async () => {
    const before = await t.db.incident.count();
    const stranger: Actor = { team: 'TFORGED', user: 'UEVE', channel: 'CEVE' };
    const body = declareSubmission(stranger, nextView(), { title: 'Forged', severity: 'SEV3' });
    const forged = await postSigned(t.eventsUrl, body, { signature: 'v0=' + '0'.repeat(64) });
    const stale = await postSigned(t.eventsUrl, body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const missing = await postSigned(t.eventsUrl, body, { signature: null });
    expect([forged.status, stale.status, missing.status]).toEqual([401, 401, 401]);
    expect(await t.db.incident.count()).toBe(before);
    expect(await t.db.workspace.count({ where: { externalId: 'TFORGED' } })).toBe(0);
  });
});
