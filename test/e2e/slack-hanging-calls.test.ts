// A Slack call that hangs holds back only the incident it belongs to: while some incidents' posts
// go unanswered (as many as set-up once ran at a time), incidents declared after them still get
// their channel and their pinned header.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait, messageRefs } from '../support/declared.js';
import { declareSubmission, postSigned, type Actor } from '../support/slack-requests.js';

let t: TestBot;
const declarer: Actor = { team: 'T1', user: 'UIC', channel: 'CGENERAL' };

beforeAll(async () => {
  t = await startTestBot();
}, 60_000);

afterAll(() => t?.stop());

it("sets up the incidents declared after ones whose posts hang, while those posts are still unanswered", async () => {
  // Every post into a stuck incident's channel hangs; everything else answers at once.
  const stuck = (body: Record<string, unknown>) => t.slack.channels.some((c) => c.id === body.channel && c.name.includes('stuck'));
  const release = t.slack.hang('chat.postMessage', stuck);
  const form = { severity: 'SEV2', areas: ['distribution_activation'] };
  const stuckKeys = ['VSTUCK1', 'VSTUCK2', 'VSTUCK3', 'VSTUCK4'];
  for (const [i, key] of stuckKeys.entries()) {
    expect((await postSigned(t.eventsUrl, declareSubmission(declarer, key, { title: `Stuck payments ${i + 1}`, ...form }))).status).toBe(200);
  }
  // Each stuck incident has its channel, and its header post is hanging.
  await t.slack.until(() => expect(new Set(t.slack.called('chat.postMessage').filter((c) => stuck(c.body)).map((c) => c.body.channel)).size).toBe(4), 15_000);

  const later = await Promise.all(['B', 'C', 'D', 'E'].map((n) => declareAndWait(t, declarer, `VLATER${n}`, { title: `Outage ${n}`, ...form })));
  expect(new Set(later.map((i) => i.room)).size).toBe(4);
  expect(later.every((i) => i.header)).toBe(true);

  // The stuck incidents are still where they were: headers unposted, posts unanswered, and their
  // set-up has not given up (no failed step recorded yet).
  const stuckOnes = await t.db.incident.findMany({ where: { declareKey: { in: stuckKeys } } });
  expect(stuckOnes).toHaveLength(4);
  for (const inc of stuckOnes) {
    expect(await messageRefs(t, inc.id, 'header')).toEqual([]);
    expect(t.slack.called('chat.postMessage').some((c) => c.body.channel === inc.roomId && c.response === undefined)).toBe(true);
    expect(await t.db.timelineEvent.count({ where: { incidentId: inc.id, type: 'delivery.failed' } })).toBe(0);
  }
  release();
}, 60_000);
