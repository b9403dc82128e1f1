// Prisma 7 reads the datasource URL from here, not from the schema. `prisma generate` needs
// no database, so a placeholder keeps it working offline when DATABASE_URL is unset.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/incident_bot' },
});
