-- AlterTable
ALTER TABLE "incidents" ADD COLUMN     "last_update_at" TIMESTAMPTZ(3),
ADD COLUMN     "updates_missed" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "done_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "jobs_done_at_due_at_idx" ON "jobs"("done_at", "due_at");

-- CreateIndex
CREATE INDEX "jobs_workspace_id_incident_id_kind_idx" ON "jobs"("workspace_id", "incident_id", "kind");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
