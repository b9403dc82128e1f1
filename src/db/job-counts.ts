// The shared queue at a glance, for the jobs gauge on /metrics: what is due and unclaimed, what is
// leased to a live process, and what was given up.
import type { JobCounts } from '../metrics.js';
import type { Db } from './client.js';

export async function countJobs(db: Db, now: Date): Promise<JobCounts> {
  const [row] = await db.$queryRaw<{ due: number; running: number; dead: number }[]>`
    SELECT
      count(*) FILTER (WHERE done_at IS NULL AND due_at <= ${now} AND (lease_until IS NULL OR lease_until < ${now}))::int AS due,
      count(*) FILTER (WHERE done_at IS NULL AND lease_owner IS NOT NULL AND lease_until >= ${now})::int AS running,
      count(*) FILTER (WHERE outcome = 'dead')::int AS dead
    FROM jobs`;
  return row ?? { due: 0, running: 0, dead: 0 };
}
