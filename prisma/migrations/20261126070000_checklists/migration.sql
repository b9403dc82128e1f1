-- CreateEnum
CREATE TYPE "ItemStatus" AS ENUM ('open', 'done', 'skipped', 'na');

-- CreateTable
CREATE TABLE "incident_checklists" (
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "checklist_id" TEXT NOT NULL,
    "attached_by" TEXT NOT NULL,
    "attached_at" TIMESTAMPTZ(3) NOT NULL,
    "message_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "incident_checklists_pkey" PRIMARY KEY ("incident_id","checklist_id")
);

-- CreateTable
CREATE TABLE "checklist_items" (
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "item_id" TEXT NOT NULL,
    "status" "ItemStatus" NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT,

    CONSTRAINT "checklist_items_pkey" PRIMARY KEY ("incident_id","item_id")
);

-- CreateIndex
CREATE INDEX "incident_checklists_workspace_id_incident_id_idx" ON "incident_checklists"("workspace_id", "incident_id");

-- CreateIndex
CREATE INDEX "checklist_items_workspace_id_incident_id_idx" ON "checklist_items"("workspace_id", "incident_id");

-- AddForeignKey
ALTER TABLE "incident_checklists" ADD CONSTRAINT "incident_checklists_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
