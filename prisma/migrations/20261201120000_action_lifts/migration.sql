-- A lift is an outcome of its own: the hold stays in force until the lift has succeeded.
-- CreateEnum
CREATE TYPE "LiftStatus" AS ENUM ('awaiting_approval', 'requested', 'succeeded', 'failed', 'timed_out', 'expired');

-- AlterTable
ALTER TABLE "action_requests" ADD COLUMN "lift_status" "LiftStatus",
ADD COLUMN "lift_requested_by" TEXT,
ADD COLUMN "lift_requested_at" TIMESTAMPTZ(3),
ADD COLUMN "lift_approved_by" TEXT,
ADD COLUMN "lift_detail" TEXT;

-- Lifts recorded before this migration set lifted_at at once, before the executor answered (issue 12, D1).
-- A lift whose executor never failed it is taken as done; one the executor failed or timed out is in
-- force again, its lift to be retried; one whose job has not run yet is still under way.
UPDATE "action_requests" SET "lift_status" = 'succeeded', "lift_requested_by" = "lifted_by", "lift_requested_at" = "lifted_at"
WHERE "lifted_at" IS NOT NULL;

UPDATE "action_requests" r
SET "lift_status" = CASE WHEN e."type" = 'action.lift_timed_out' THEN 'timed_out'::"LiftStatus" ELSE 'failed'::"LiftStatus" END,
    "lift_detail" = e."data"->>'detail', "lifted_at" = NULL, "lifted_by" = NULL
FROM "timeline_events" e
WHERE r."lifted_at" IS NOT NULL AND e."incident_id" = r."incident_id" AND e."type" IN ('action.lift_failed', 'action.lift_timed_out')
  AND (e."data"->>'seq')::int = r."seq";

UPDATE "action_requests" r
SET "lift_status" = 'requested', "lifted_at" = NULL, "lifted_by" = NULL
FROM "jobs" j
WHERE r."lifted_at" IS NOT NULL AND j."incident_id" = r."incident_id" AND j."kind" = 'action.lift' AND j."done_at" IS NULL
  AND j."data"->>'requestId' = r."id"::text;
