-- CreateTable
CREATE TABLE "teams_conversations" (
    "workspace_id" UUID NOT NULL,
    "room_id" TEXT NOT NULL,
    "team_id" TEXT,
    "reference" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "teams_conversations_pkey" PRIMARY KEY ("workspace_id", "room_id")
);

-- CreateTable
CREATE TABLE "teams_files" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "teams_files_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "teams_files_workspace_id_idx" ON "teams_files"("workspace_id");

-- AddForeignKey
ALTER TABLE "teams_conversations" ADD CONSTRAINT "teams_conversations_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "teams_files" ADD CONSTRAINT "teams_files_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
