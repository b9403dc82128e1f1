-- AlterTable
ALTER TABLE "incidents" ADD COLUMN     "orgo_case_url" TEXT,
ADD COLUMN     "resolved_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "postmortems" (
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "root_cause_technical" TEXT NOT NULL DEFAULT '',
    "root_cause_process" TEXT NOT NULL DEFAULT '',
    "what_worked" TEXT NOT NULL DEFAULT '',
    "what_did_not" TEXT NOT NULL DEFAULT '',
    "root_cause_verified" BOOLEAN NOT NULL DEFAULT false,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "postmortems_pkey" PRIMARY KEY ("incident_id")
);

-- CreateTable
CREATE TABLE "followups" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "owner" TEXT,
    "due_on" DATE,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "done_at" TIMESTAMPTZ(3),
    "done_by" TEXT,

    CONSTRAINT "followups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "postmortems_workspace_id_incident_id_key" ON "postmortems"("workspace_id", "incident_id");

-- CreateIndex
CREATE INDEX "followups_workspace_id_incident_id_idx" ON "followups"("workspace_id", "incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "followups_incident_id_seq_key" ON "followups"("incident_id", "seq");

-- AddForeignKey
ALTER TABLE "postmortems" ADD CONSTRAINT "postmortems_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "followups" ADD CONSTRAINT "followups_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
