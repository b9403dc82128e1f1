// The repository contract on PostgreSQL (embedded PGlite without DATABASE_URL).
import { afterAll, beforeAll } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { repositoryContract } from '../support/repository-contract.js';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await freshDatabase();
  db = createDb(database.url, database.poolSize);
});
afterAll(async () => {
  await db.$disconnect();
  await database.close();
});

repositoryContract('PrismaIncidentRepository', async () => ({
  repo: new PrismaIncidentRepository(db),
  written: async () => ({
    workspaces: await db.workspace.count(),
    incidents: await db.incident.count(),
    assignments: await db.roleAssignment.count(),
    events: await db.timelineEvent.count(),
    items: await db.checklistItem.count(),
    deliveries: await db.delivery.count(),
  }),
}));
