-- A job that fails is retried with backoff a bounded number of times, then ends as outcome 'dead'.
-- The last failure is kept on the row; a job waiting out its backoff holds a lease with no owner.
ALTER TABLE "jobs" ADD COLUMN "last_error" TEXT;
