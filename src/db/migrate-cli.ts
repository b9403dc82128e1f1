// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded
// database in DATA_DIR when no URL is set.
import { runCli } from '../cli/run.js';
import { loadDatabaseConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';

const USAGE =
  'Usage: npm run db:migrate\n' +
  '  Applies the pending migrations of prisma/migrations to DATABASE_URL, or to the embedded database in\n' +
  '  DATA_DIR (default .data) when DATABASE_URL is not set. Stop the bot first when it uses the embedded database.\n';

await runCli(USAGE, async (args) => {
  if (args.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const log = createLogger('info');
  const { databaseUrl, dataDir } = loadDatabaseConfig();
  let url = databaseUrl;
  let stopEmbedded = async () => {};
  if (url === undefined) ({ url, stop: stopEmbedded } = await startEmbeddedPostgres({ dataDir, log }));
  try {
    await migrate(url, log);
    return 0;
  } catch (err) {
    log.error({ err }, 'migration failed');
    return 1;
  } finally {
    await stopEmbedded();
  }
});
