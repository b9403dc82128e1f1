-- Drill incidents (npm run drill) are practice: every list and packet says so.
ALTER TABLE "incidents" ADD COLUMN "drill" BOOLEAN NOT NULL DEFAULT false;

-- The local console's rooms: "general" and one per incident, with their topic and pinned messages.
CREATE TABLE "console_rooms" (
    "workspace_id" UUID NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "topic" TEXT NOT NULL DEFAULT '',
    "members" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "pinned" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "console_rooms_pkey" PRIMARY KEY ("workspace_id", "id")
);

-- A message in a console room, stored as rendered HTML; to_user set: a private answer to one person.
CREATE TABLE "console_messages" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "room_id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "to_user" TEXT,
    "kind" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "console_messages_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "console_messages_workspace_id_key_key" ON "console_messages"("workspace_id", "key");
CREATE INDEX "console_messages_workspace_id_room_id_seq_idx" ON "console_messages"("workspace_id", "room_id", "seq");

-- A file attached to a room (the postmortem packet), downloaded from its message.
CREATE TABLE "console_files" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "room_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "console_files_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "console_files_workspace_id_room_id_idx" ON "console_files"("workspace_id", "room_id");

ALTER TABLE "console_rooms" ADD CONSTRAINT "console_rooms_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "console_messages" ADD CONSTRAINT "console_messages_workspace_id_room_id_fkey" FOREIGN KEY ("workspace_id", "room_id") REFERENCES "console_rooms"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "console_files" ADD CONSTRAINT "console_files_workspace_id_room_id_fkey" FOREIGN KEY ("workspace_id", "room_id") REFERENCES "console_rooms"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
