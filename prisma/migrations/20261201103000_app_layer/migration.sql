-- Surfaces beyond Slack; message refs in a table of their own; deliveries keyed by the surface's id.
ALTER TYPE "Platform" ADD VALUE IF NOT EXISTS 'console';

CREATE TABLE "room_messages" (
    "workspace_id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "shows" TEXT NOT NULL,
    "part" INTEGER NOT NULL,
    "surface" "Platform" NOT NULL,
    "room_id" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "digest" TEXT NOT NULL DEFAULT '',
    "stamp" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "room_messages_pkey" PRIMARY KEY ("incident_id", "shows", "part")
);
CREATE INDEX "room_messages_workspace_id_incident_id_idx" ON "room_messages"("workspace_id", "incident_id");
ALTER TABLE "room_messages" ADD CONSTRAINT "room_messages_workspace_id_incident_id_fkey"
    FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The Slack-shaped columns move here, then go.
INSERT INTO "room_messages" ("workspace_id", "incident_id", "shows", "part", "surface", "room_id", "ref", "stamp")
SELECT i."workspace_id", i."id", 'header', 0, w."platform", i."room_id", i."header_message_id", i."timeline_seq"
FROM "incidents" i JOIN "workspaces" w ON w."id" = i."workspace_id"
WHERE i."header_message_id" IS NOT NULL AND i."room_id" IS NOT NULL;

INSERT INTO "room_messages" ("workspace_id", "incident_id", "shows", "part", "surface", "room_id", "ref", "stamp")
SELECT c."workspace_id", c."incident_id", 'checklist:' || c."checklist_id", m.ord - 1, w."platform", i."room_id", m.ref, i."timeline_seq"
FROM "incident_checklists" c
JOIN "incidents" i ON i."id" = c."incident_id"
JOIN "workspaces" w ON w."id" = c."workspace_id"
CROSS JOIN LATERAL unnest(c."message_ids") WITH ORDINALITY AS m(ref, ord)
WHERE i."room_id" IS NOT NULL;

ALTER TABLE "incidents" DROP COLUMN "header_message_id";
ALTER TABLE "incident_checklists" DROP COLUMN "message_ids";

CREATE TABLE "deliveries" (
    "workspace_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "incident_id" UUID NOT NULL,
    "result" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("workspace_id", "key")
);
CREATE INDEX "deliveries_workspace_id_incident_id_idx" ON "deliveries"("workspace_id", "incident_id");
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_workspace_id_fkey"
    FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_workspace_id_incident_id_fkey"
    FOREIGN KEY ("workspace_id", "incident_id") REFERENCES "incidents"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
