// The durable scheduler: each tick claims due jobs with a lease, asks the core what each should do,
// has the surface post it, and records the outcome once. Any number of processes can run it; a
// process that dies keeps its lease until it expires, then another takes the job over. A job that
// fails is given back with a backoff; after its last attempt it is dead, and the timeline says so.
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { CadenceService } from '../core/cadence/service.js';
import type { IncidentState, Workspace } from '../core/incidents/model.js';
import type { Claim, Clock, IncidentRepository, JobRecord } from '../core/ports.js';
import type { ReminderView } from '../core/views/cadence.js';
import type { Logger } from '../log.js';
import { countDeadJob, countLeaseTakeover, observeReminderLag } from '../metrics.js';
import { GroupCommit } from './group-commit.js';
import { deadJobEvent, DEFAULT_RETRY, failureText, retryDelayMs, type RetryPolicy } from './retry.js';

export interface ReminderPoster {
  /**
   * `jobId` names the post: a retry of the same job (after a crash, by another process) finds it.
   * `firstTry`: the job's first claim, so no earlier attempt can have posted it.
   */
  post(ws: Workspace, state: IncidentState, view: ReminderView, jobId: string, firstTry: boolean): Promise<void>;
}

export type SchedulerDeps = {
  repo: IncidentRepository;
  cadence: CadenceService;
  poster: ReminderPoster;
  clock: Clock;
  log: Logger;
  /** How long a claimed job stays with this process before another may take it. */
  leaseMs?: number;
  /** Jobs claimed per round; a tick keeps claiming while rounds come back full. */
  batch?: number;
  /** Jobs posted at once. */
  concurrency?: number;
  retry?: RetryPolicy;
  /** Told after a dead job's event is committed (the application layer tells the room). */
  onDead?: (job: Claim, state: IncidentState | undefined, error: string) => Promise<void>;
};

export class Scheduler {
  readonly owner = `scheduler-${randomUUID()}`;
  private timer: NodeJS.Timeout | null = null;
  private readonly limit;
  /** Outcomes are recorded together: one transaction for the jobs that finish while one is written. */
  private readonly records: GroupCommit<JobRecord, boolean>;
  private stopping = false;
  private readonly inFlight = new Set<Promise<number>>();

  constructor(private readonly deps: SchedulerDeps) {
    this.limit = pLimit(deps.concurrency ?? 16);
    this.records = new GroupCommit((records) => deps.repo.completeJobs(deps.clock.now(), records));
  }

  /** Runs every due job once; returns how many were handled. */
  tick(): Promise<number> {
    const run = this.claimAndRun().finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return run;
  }

  private async claimAndRun(): Promise<number> {
    const batch = this.deps.batch ?? 100;
    const inHand = new Set<Promise<void>>();
    let room: (() => void) | undefined;
    let handled = 0;
    while (!this.stopping) {
      const { jobs, states } = await this.claim(batch);
      for (const job of jobs) {
        const run = this.run(job, states.get(job.incidentId)).finally(() => {
          inHand.delete(run);
          if (inHand.size <= batch) room?.();
        });
        inHand.add(run);
      }
      handled += jobs.length;
      if (jobs.length < batch) break;
      // A full batch says more are due. The next one is claimed while this one is posted, once less
      // than a batch is in hand: posts never wait for a claim, and no more than two batches are leased.
      if (inHand.size > batch) await new Promise<void>((resolve) => (room = resolve));
      room = undefined;
    }
    await Promise.all(inHand);
    return handled;
  }

  /** Claims a batch and reads its incidents in one more statement; each job answers to its own workspace. */
  private async claim(batch: number): Promise<{ jobs: Claim[]; states: Map<string, IncidentState> }> {
    const { repo, clock } = this.deps;
    const now = clock.now();
    const jobs = await repo.claimDue(now, this.owner, new Date(now.getTime() + (this.deps.leaseMs ?? 60_000)), batch);
    const states = jobs.length ? await repo.findMany(jobs.map((j) => ({ ws: j.ws, incidentId: j.incidentId }))) : new Map<string, IncidentState>();
    return { jobs, states };
  }

  private async run(job: Claim, state: IncidentState | undefined): Promise<void> {
    const log = this.deps.log.child({ job: job.id, kind: job.kind, incident: job.incidentId, workspace: job.ws.id });
    const now = this.deps.clock.now();
    if (job.takenOver) countLeaseTakeover(job.kind);
    if (job.attempts === 1) observeReminderLag(job.kind, (now.getTime() - job.dueAt.getTime()) / 1000);
    const retry = this.deps.retry ?? DEFAULT_RETRY;
    // Claims whose process died before it recorded anything count too: a job that kills its process
    // must not be taken over forever.
    if (job.attempts > retry.maxAttempts) return this.giveUp(job, state, 'its last attempts ended without an outcome (the process stopped or hung)', log);
    try {
      if (!state) throw new Error('job for a missing incident');
      const plan = this.deps.cadence.plan(state, job, now);
      const view = plan.view;
      if (view) await this.limit(() => this.deps.poster.post(job.ws, state, view, job.id, job.attempts === 1));
      await this.records.add(this.deps.cadence.record(job.ws, job, this.owner, plan));
      log.info({ outcome: plan.outcome }, 'job done');
    } catch (err) {
      const error = failureText(err);
      if (job.attempts >= retry.maxAttempts) return this.giveUp(job, state, error, log);
      const retryAt = new Date(this.deps.clock.now().getTime() + retryDelayMs(retry, job.attempts));
      const kept = await this.deps.repo.retryJob(job.id, this.owner, retryAt, error).catch((e: unknown) => {
        // The lease still expires, so the job is retried anyway.
        log.warn({ err: e }, 'could not record a failed attempt');
        return false;
      });
      log.warn({ err, attempt: job.attempts, retryAt: kept ? retryAt.toISOString() : undefined }, 'job failed; it will be retried');
    }
  }

  private async giveUp(job: Claim, state: IncidentState | undefined, error: string, log: Logger): Promise<void> {
    try {
      const recorded = await this.records.add({
        ws: job.ws,
        incidentId: job.incidentId,
        complete: { jobId: job.id, owner: this.owner, outcome: 'dead', error },
        events: [deadJobEvent(job, error)],
      });
      if (!recorded) return;
      countDeadJob(job.kind);
      log.error({ attempts: job.attempts, error }, 'job is dead: it failed on every attempt');
      await this.deps.onDead?.(job, state, error);
    } catch (err) {
      log.error({ err }, 'could not record a dead job; its lease will expire and it is tried again');
    }
  }

  /**
   * Ticks every `seconds` seconds from now (an interval, not a clock-aligned cron, so 45 means every
   * 45 s); a tick still running when the next is due makes that one skip its turn.
   */
  start(seconds: number): void {
    let running = false;
    const tick = () => {
      if (running) return;
      running = true;
      this.tick()
        .catch((err: unknown) => this.deps.log.error({ err }, 'scheduler tick failed'))
        .finally(() => (running = false));
    };
    // A sped-up drill clock ticks as much faster.
    this.timer = setInterval(tick, Math.max(50, (seconds * 1000) / (this.deps.clock.speed ?? 1)));
    tick();
  }

  /** Stops ticking and waits for the jobs in hand, so none is posted and left unrecorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }
}
