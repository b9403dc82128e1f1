// A scheduler process on its own, as a replica of the bot runs it: its own Prisma client, repository,
// CadenceService and Slack Web API client, ticking on node-cron with the real clock. Tests fork it
// (`--import tsx`), kill it, and fork another. It reports to the parent over IPC, so that the parent
// never has to query the database while a child is using it (the embedded database cannot serve two
// clients' transactions at once):
//   { type: 'ready', owner }                       the scheduler has started
//   { type: 'posting', jobId?, incidentId, kind, at } a post is about to be sent to Slack
//   { type: 'completed', jobId, incidentId, recorded, at } a job's outcome was committed (or refused: recorded = false)
// Configuration, all from the environment:
//   DATABASE_URL, DB_POOL_SIZE, SLACK_API_URL, LEASE_MS, TICK_SECONDS, BATCH, CONCURRENCY
import { webApi } from '@slack/bolt';
import { CadenceService } from '../../src/core/cadence/service.js';
import type { IncidentState, Workspace } from '../../src/core/incidents/model.js';
import type { JobRecord } from '../../src/core/ports.js';
import { loadContent } from '../../src/core/runbook/content.js';
import type { ReminderView } from '../../src/core/views/cadence.js';
import { createDb } from '../../src/db/client.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { createLogger } from '../../src/log.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { slackJobs } from './slack-jobs.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';

export type ChildMessage =
  | { type: 'ready'; owner: string; pid: number }
  | { type: 'posting'; incidentId: string; kind: string; at: number }
  | { type: 'completed'; jobId: string; incidentId: string; recorded: boolean; at: number };

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`scheduler-process: ${name} is not set`);
  return v;
};

const send = (m: ChildMessage) => process.send?.(m);

/** Tells the parent when outcomes have been committed. */
class ReportingRepository extends PrismaIncidentRepository {
  override async completeJobs(at: Date, records: JobRecord[]) {
    const done = await super.completeJobs(at, records);
    records.forEach((r, n) => send({ type: 'completed', jobId: r.complete.jobId, incidentId: r.incidentId, recorded: done[n]!, at: Date.now() }));
    return done;
  }
}

const db = createDb(env('DATABASE_URL'), Number(env('DB_POOL_SIZE', '1')));
const repo = new ReportingRepository(db, TEST_TIMELINE_KEY);
const clock = { now: () => new Date() };
const content = loadContent();
const cadence = new CadenceService({ repo, clock, ...content });
const client = new webApi.WebClient('xoxb-test', { slackApiUrl: env('SLACK_API_URL'), retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
const slack = slackJobs(repo, clock, client, 'CCOMMANDERS');
const poster = {
  post(ws: Workspace, state: IncidentState, view: ReminderView, jobId: string, firstTry: boolean) {
    send({ type: 'posting', incidentId: state.incident.id, kind: view.kind, at: Date.now() });
    return slack.post(ws, state, view, jobId, firstTry);
  },
};
const scheduler = new Scheduler({
  repo,
  cadence,
  poster,
  clock,
  log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
  leaseMs: Number(env('LEASE_MS', '2000')),
  batch: Number(env('BATCH', '10')),
  concurrency: Number(env('CONCURRENCY', '4')),
});

async function shutdown() {
  await scheduler.stop();
  await db.$disconnect();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.on('message', (m) => {
  if (m === 'stop') void shutdown();
});
// The parent going away must not leave a scheduler running.
process.on('disconnect', () => process.exit(0));

scheduler.start(Number(env('TICK_SECONDS', '1')));
send({ type: 'ready', owner: scheduler.owner, pid: process.pid });
