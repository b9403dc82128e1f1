-- CreateEnum
CREATE TYPE "ActionStatus" AS ENUM ('awaiting_approval', 'approved', 'awaiting_confirmation', 'succeeded', 'failed', 'timed_out', 'expired');

-- CreateTable
CREATE TABLE "action_requests" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "action_id" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "status" "ActionStatus" NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "override_reason" TEXT,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "outcome_detail" TEXT,
    "outcome_at" TIMESTAMPTZ(3),
    "lifted_by" TEXT,
    "lifted_at" TIMESTAMPTZ(3),

    CONSTRAINT "action_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "action_requests_workspace_id_incident_id_idx" ON "action_requests"("workspace_id", "incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "action_requests_incident_id_seq_key" ON "action_requests"("incident_id", "seq");

-- AddForeignKey
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
