// The durable scheduler: each tick claims due jobs with a lease, asks the core what each should do,
// has the surface post it, and records the outcome once. Any number of processes can run it; a
// process that dies keeps its lease until it expires, then another takes the job over.
import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import pLimit from 'p-limit';
import type { CadenceService } from '../core/cadence/service.js';
import type { IncidentState, Workspace } from '../core/incidents/model.js';
import type { ClaimedJob, Clock, IncidentRepository } from '../core/ports.js';
import type { ReminderView } from '../core/views/cadence.js';
import type { Logger } from '../log.js';

export interface ReminderPoster {
  post(ws: Workspace, state: IncidentState, view: ReminderView): Promise<void>;
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
};

export class Scheduler {
  readonly owner = `scheduler-${randomUUID()}`;
  private task: ScheduledTask | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly limit;
  private stopping = false;
  private readonly inFlight = new Set<Promise<number>>();

  constructor(private readonly deps: SchedulerDeps) {
    this.limit = pLimit(deps.concurrency ?? 16);
  }

  /** Runs every due job once; returns how many were handled. */
  tick(): Promise<number> {
    const run = this.claimAndRun().finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return run;
  }

  private async claimAndRun(): Promise<number> {
    const { repo, clock } = this.deps;
    const batch = this.deps.batch ?? 100;
    let handled = 0;
    while (!this.stopping) {
      const now = clock.now();
      const jobs = await repo.claimDue(now, this.owner, new Date(now.getTime() + (this.deps.leaseMs ?? 60_000)), batch);
      // The claimed batch's incidents in one read; each job still answers to its own workspace.
      const states = jobs.length ? await repo.findMany(jobs.map((j) => ({ ws: j.ws, incidentId: j.incidentId }))) : new Map<string, IncidentState>();
      await Promise.all(jobs.map((job) => this.limit(() => this.run(job, states.get(job.incidentId)))));
      handled += jobs.length;
      if (jobs.length < batch) break;
    }
    return handled;
  }

  private async run(job: ClaimedJob, state: IncidentState | undefined): Promise<void> {
    const log = this.deps.log.child({ job: job.id, kind: job.kind, incident: job.incidentId, workspace: job.ws.id });
    try {
      if (!state) throw new Error('job for a missing incident');
      const plan = this.deps.cadence.plan(state, job, this.deps.clock.now());
      if (plan.view) await this.deps.poster.post(job.ws, state, plan.view);
      await this.deps.cadence.complete(job.ws, job, this.owner, plan);
      log.info({ outcome: plan.outcome }, 'job done');
    } catch (err) {
      // The lease is left to expire: the job is retried on a later tick, by this process or another.
      log.warn({ err }, 'job failed; it will be retried when its lease expires');
    }
  }

  /**
   * Ticks every `seconds` seconds of the clock's time (a sped-up drill clock ticks as much faster);
   * a tick still running makes the next one wait its turn.
   */
  start(seconds: number): void {
    const speed = this.deps.clock.speed ?? 1;
    if (speed === 1) {
      this.task = cron.schedule(`*/${seconds} * * * * *`, () => this.tick().then(() => undefined), { noOverlap: true, name: this.owner });
    } else {
      let running = false;
      this.timer = setInterval(() => {
        if (running) return;
        running = true;
        this.tick()
          .catch((err) => this.deps.log.error({ err }, 'scheduler tick failed'))
          .finally(() => (running = false));
      }, Math.max(50, (seconds * 1000) / speed));
    }
    void this.tick().catch((err) => this.deps.log.error({ err }, 'first scheduler tick failed'));
  }

  /** Stops ticking and waits for the jobs in hand, so none is posted and left unrecorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.stop();
    this.task = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }
}
