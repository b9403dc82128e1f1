-- A lift is an outcome of its own: the hold stays in force until the lift has succeeded.
-- CreateEnum
CREATE TYPE "LiftStatus" AS ENUM ('awaiting_approval', 'requested', 'succeeded', 'failed', 'timed_out', 'expired');

-- AlterTable
ALTER TABLE "action_requests" ADD COLUMN "lift_status" "LiftStatus",
ADD COLUMN "lift_requested_by" TEXT,
ADD COLUMN "lift_requested_at" TIMESTAMPTZ(3),
ADD COLUMN "lift_approved_by" TEXT,
ADD COLUMN "lift_detail" TEXT;
