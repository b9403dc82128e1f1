// The process's Prometheus metrics, served on GET /metrics. One registry for the process; the rest of
// the code records through the small functions below and never sees prom-client.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'incident_bot_' });

const ackSeconds = new Histogram({
  name: 'incident_bot_ack_seconds',
  help: 'Time from a chat request reaching the app to its acknowledgement, by surface and kind (Slack allows 3 s).',
  labelNames: ['surface', 'kind'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
  registers: [registry],
});

const chatApiErrors = new Counter({
  name: 'incident_bot_chat_api_errors_total',
  help: 'Chat platform API calls that failed, by surface, method and error code.',
  labelNames: ['surface', 'method', 'code'] as const,
  registers: [registry],
});

const reminderLag = new Histogram({
  name: 'incident_bot_reminder_lag_seconds',
  help: 'How late a due job was picked up, from its due time to its claim, by kind.',
  labelNames: ['kind'] as const,
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
  registers: [registry],
});

const leaseTakeovers = new Counter({
  name: 'incident_bot_lease_takeovers_total',
  help: 'Jobs claimed after another process let their lease expire (it died or hung), by kind.',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const jobsDead = new Counter({
  name: 'incident_bot_jobs_dead_total',
  help: 'Jobs this process gave up on after their last attempt, by kind.',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const refusals = new Counter({
  name: 'incident_bot_refusals_total',
  help: 'Requests a §6 gate refused and recorded in the timeline, by gate.',
  labelNames: ['gate'] as const,
  registers: [registry],
});

const domainErrors = new Counter({
  name: 'incident_bot_domain_errors_total',
  help: 'Coded errors answered to a person (bad input, not allowed, ...), by surface and code.',
  labelNames: ['surface', 'code'] as const,
  registers: [registry],
});

export type JobCounts = { due: number; running: number; dead: number };

let countJobs: (() => Promise<JobCounts>) | undefined;

// Read from the database at scrape time, so every replica reports the shared queue.
new Gauge({
  name: 'incident_bot_jobs',
  help: 'Jobs in the shared queue by state: due (waiting for a claim), running (leased), dead (gave up).',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    if (!countJobs) return;
    const counts = await countJobs();
    for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
  },
});

/** Tells the jobs gauge where to count; undefined stops it (the database is closing). */
export function countJobsWith(fn: (() => Promise<JobCounts>) | undefined): void {
  countJobs = fn;
}

export const observeAck = (surface: string, kind: string, seconds: number) => ackSeconds.observe({ surface, kind }, seconds);
export const countChatApiError = (surface: string, method: string, code: string) => chatApiErrors.inc({ surface, method, code });
export const observeReminderLag = (kind: string, seconds: number) => reminderLag.observe({ kind }, Math.max(0, seconds));
export const countLeaseTakeover = (kind: string) => leaseTakeovers.inc({ kind });
export const countDeadJob = (kind: string) => jobsDead.inc({ kind });
export const countRefusal = (gate: string) => refusals.inc({ gate });

/** The gate behind a refusal event of the timeline (§6 request gates, approval, lift). */
const REFUSAL_EVENTS: Record<string, (data: Record<string, unknown>) => string> = {
  'action.refused': (d) => (typeof d.rule === 'string' ? d.rule : 'unknown'),
  'action.approval_refused': () => 'approval',
  'action.lift_refused': () => 'lift',
};

/** Counts the refusals among events just committed. */
export function countRefusals(events: readonly { type: string; data: Record<string, unknown> }[]): void {
  for (const e of events) {
    const gate = REFUSAL_EVENTS[e.type]?.(e.data);
    if (gate) countRefusal(gate);
  }
}
export const countDomainError = (surface: string, code: string) => domainErrors.inc({ surface, code });

export function metricsText(): Promise<string> {
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;
