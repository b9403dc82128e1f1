-- CreateEnum
CREATE TYPE "Platform" AS ENUM ('slack', 'teams');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('SEV0', 'SEV1', 'SEV2', 'SEV3', 'SEV4');

-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('declared', 'investigating', 'mitigated', 'resolved', 'closed');

-- CreateEnum
CREATE TYPE "AffectedArea" AS ENUM ('build_pipeline', 'distribution_activation', 'rendering', 'execution', 'trust_roots_keys', 'tenant_isolation');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ic', 'ops', 'sec', 'orgo', 'konnaxion', 'architect', 'swarmcraft');

-- CreateTable
CREATE TABLE "workspaces" (
    "id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "external_id" TEXT NOT NULL,
    "next_incident_number" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'declared',
    "areas" "AffectedArea"[] DEFAULT ARRAY[]::"AffectedArea"[],
    "tenants" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "channels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "environments" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "integrity_uncertain" BOOLEAN NOT NULL DEFAULT false,
    "room_id" TEXT,
    "room_name" TEXT,
    "header_message_id" TEXT,
    "origin_room_id" TEXT,
    "declare_key" TEXT NOT NULL,
    "declared_by" TEXT NOT NULL,
    "declared_at" TIMESTAMPTZ(3) NOT NULL,
    "timeline_seq" INTEGER NOT NULL DEFAULT 0,
    "timeline_head" TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_assignments" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "user_id" TEXT NOT NULL,
    "assigned_by" TEXT NOT NULL,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "ended_by" TEXT,

    CONSTRAINT "role_assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "timeline_events" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT,
    "data" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "timeline_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workspaces_platform_external_id_key" ON "workspaces"("platform", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_workspace_id_id_key" ON "incidents"("workspace_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_workspace_id_number_key" ON "incidents"("workspace_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_workspace_id_declare_key_key" ON "incidents"("workspace_id", "declare_key");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_workspace_id_room_id_key" ON "incidents"("workspace_id", "room_id");

-- CreateIndex
CREATE INDEX "role_assignments_workspace_id_incident_id_role_idx" ON "role_assignments"("workspace_id", "incident_id", "role");

-- CreateIndex
CREATE INDEX "timeline_events_workspace_id_incident_id_idx" ON "timeline_events"("workspace_id", "incident_id");

-- CreateIndex
CREATE UNIQUE INDEX "timeline_events_incident_id_seq_key" ON "timeline_events"("incident_id", "seq");

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_assignments" ADD CONSTRAINT "role_assignments_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_workspace_id_incident_id_fkey" FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only timeline (hand-written; Prisma's schema language has no triggers).
-- UPDATE and DELETE are refused row by row, and TRUNCATE as a statement.
CREATE FUNCTION "timeline_events_refuse_change"() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'timeline_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "timeline_events_append_only"
    BEFORE UPDATE OR DELETE ON "timeline_events"
    FOR EACH ROW EXECUTE FUNCTION "timeline_events_refuse_change"();

CREATE TRIGGER "timeline_events_no_truncate"
    BEFORE TRUNCATE ON "timeline_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "timeline_events_refuse_change"();
