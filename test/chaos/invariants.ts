// What must hold after a chaos run, read from the database and from the fake Slack once every
// process has stopped: each acked change in its timeline once, no message doubled, each action with
// one outcome, each chain intact, no channel without its incident (nor an incident without its channel).
import { findChainBreak } from '../../src/core/timeline/chain.js';
import type { Db } from '../../src/db/client.js';
import { locateIncident } from '../../src/db/incident-locator.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { POST_EVENT } from '../../src/surfaces/slack/marked-post.js';
import type { FakeSlackApi } from '../fakes/slack-api.js';
import type { Expected } from './script.js';

export type Findings = {
  counts: Record<string, number>;
  /** Must-be-zero counts that are not, with what was wrong, for the report. */
  problems: string[];
};

/** The counts that must be zero for a run to pass. */
export const MUST_BE_ZERO = ['doubled', 'lost', 'unacked doubled', 'messages doubled', 'actions without one outcome', 'chains broken', 'orphaned channels', 'incidents without a channel'] as const;

const OUTCOMES = new Set(['action.succeeded', 'action.failed', 'action.timed_out', 'action.expired']);

type Event = { incidentId: string; type: string; data: unknown; seq: number };

const matches = (e: Event, x: Expected) => e.type === x.type && Object.entries(x.data).every(([k, v]) => (e.data as Record<string, unknown>)[k] === v);

export async function checkRun(db: Db, timelineKey: string, slack: FakeSlackApi, expected: Expected[]): Promise<Findings> {
  const problems: string[] = [];
  const incidents = await db.incident.findMany({ select: { id: true, title: true, roomId: true, number: true } });
  const events: Event[] = await db.timelineEvent.findMany({ select: { incidentId: true, type: true, data: true, seq: true } });
  const byTitle = new Map<string, string[]>();
  for (const i of incidents) byTitle.set(i.title, [...(byTitle.get(i.title) ?? []), i.id]);

  // Each acked change once; an unacked one at most once (Slack gave up, the work may or may not be done).
  let once = 0;
  let doubled = 0;
  let lost = 0;
  let unackedDoubled = 0;
  for (const x of expected) {
    const ids = byTitle.get(x.title) ?? [];
    const n = x.type === 'incident.declared' ? ids.length : events.filter((e) => e.incidentId === ids[0] && matches(e, x)).length;
    if (ids.length > 1 && x.type !== 'incident.declared') problems.push(`${x.title} was declared ${ids.length} times`);
    if (x.acked && n === 1) once++;
    else if (x.acked && n === 0) (lost++, problems.push(`lost: ${x.title}: ${x.what} (acked, no ${x.type})`));
    else if (n > 1) {
      if (x.acked) doubled++;
      else unackedDoubled++;
      problems.push(`doubled: ${x.title}: ${x.what} (${n} × ${x.type})`);
    }
  }

  // Every action request with exactly one outcome once its confirmation was acked, never more than one.
  const requests = await db.actionRequest.findMany({ select: { incidentId: true, seq: true, status: true } });
  const confirmed = new Set(expected.filter((x) => x.acked && x.type === 'action.succeeded').map((x) => `${byTitle.get(x.title)?.[0]}#${String(x.data.seq)}`));
  let withoutOne = 0;
  for (const r of requests) {
    const outcomes = events.filter((e) => e.incidentId === r.incidentId && OUTCOMES.has(e.type) && (e.data as { seq?: number }).seq === r.seq).length;
    if (outcomes > 1 || (outcomes === 0 && confirmed.has(`${r.incidentId}#${r.seq}`))) {
      withoutOne++;
      problems.push(`action #${r.seq} of incident ${r.incidentId} (${r.status}) has ${outcomes} outcomes`);
    }
  }

  // Every chain verifies, as `npm run timeline:verify` checks it: keyed, up to the head on the incident row.
  const repo = new PrismaIncidentRepository(db, timelineKey);
  let broken = 0;
  for (const i of incidents) {
    const found = (await locateIncident(db, { incidentId: i.id }))!;
    const chainBreak = findChainBreak(await repo.timeline(found.ws, i.id), { key: timelineKey, keyedFrom: found.keyedFrom }, found.head);
    if (chainBreak) (broken++, problems.push(`chain of ${i.title} broken at #${chainBreak.seq}: ${chainBreak.reason}`));
  }

  // Slack: a keyed post (its key in the metadata) at most once per part; a reminder at most once per
  // incident, kind and due time (two jobs for one due time would post it twice under two keys); any
  // other text (headers, checklists, updates, action prompts) at most once per room. Reminder texts
  // repeat legitimately: two updates in one minute leave the same "last update at" in the next ones.
  const jobs = new Map((await db.job.findMany({ select: { id: true, kind: true, incidentId: true, dueAt: true } })).map((j) => [j.id, j]));
  let messagesDoubled = 0;
  let posts = 0;
  for (const [channel, messages] of slack.messages) {
    const seen = new Map<string, number>();
    const see = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
    for (const m of messages) {
      posts++;
      const meta = m.metadata as { event_type?: string; event_payload?: { key?: string; part?: number } } | undefined;
      const key = meta?.event_type === POST_EVENT ? meta.event_payload?.key : undefined;
      if (key) see(`key ${key}#${meta?.event_payload?.part}`);
      const job = key?.startsWith('job:') ? jobs.get(key.slice('job:'.length)) : undefined;
      if (job) see(`${job.kind} of ${job.incidentId} due ${job.dueAt.toISOString()}`);
      else if (typeof m.text === 'string') see(`text ${m.text}`);
    }
    for (const [what, n] of seen) {
      if (n < 2) continue;
      messagesDoubled += n - 1;
      problems.push(`${n} posts in ${channel} of ${what.slice(0, 160)}`);
    }
  }

  // Channels: every channel the bot made belongs to an incident, and every incident has its channel.
  const rooms = new Set(incidents.map((i) => i.roomId));
  const orphaned = slack.channels.filter((c) => c.creator === 'UBOT' && !rooms.has(c.id));
  for (const c of orphaned) problems.push(`orphaned channel ${c.name} (${c.id})`);
  const roomless = incidents.filter((i) => !i.roomId);
  for (const i of roomless) problems.push(`incident ${i.title} has no channel`);

  const outcomes = await db.job.groupBy({ by: ['kind', 'outcome'], _count: true });
  const reminders = outcomes.filter((j) => j.kind === 'update.reminder' && j.outcome === 'posted').reduce((n, j) => n + j._count, 0);
  return {
    counts: {
      'acked changes': expected.filter((x) => x.acked).length,
      'in timeline once': once,
      doubled,
      lost,
      'unacked changes': expected.filter((x) => !x.acked).length,
      'unacked doubled': unackedDoubled,
      incidents: incidents.length,
      'messages posted': posts,
      'reminders posted': reminders,
      'messages doubled': messagesDoubled,
      'action requests': requests.length,
      'actions without one outcome': withoutOne,
      'chains broken': broken,
      'orphaned channels': orphaned.length,
      'incidents without a channel': roomless.length,
    },
    problems,
  };
}
