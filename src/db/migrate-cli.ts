// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded
// database in DATA_DIR when no URL is set.
import { loadDatabaseConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';

const log = createLogger('info');
const { databaseUrl, dataDir } = loadDatabaseConfig();
let url = databaseUrl;
let stopEmbedded = async () => {};
if (url === undefined) ({ url, stop: stopEmbedded } = await startEmbeddedPostgres({ dataDir, log }));
try {
  await migrate(url, log);
} catch (err) {
  log.error({ err }, 'migration failed');
  process.exitCode = 1;
} finally {
  await stopEmbedded();
}
