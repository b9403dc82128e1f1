// `npm run timeline:verify -- <incident-id> | <workspace> <number>`: checks an incident's keyed hash
// chain and names the first broken link. Read-only: it never migrates the database it checks.
// Exit 0 intact, 1 broken, 2 bad arguments or unknown incident.
import { loadDatabaseConfig } from '../config.js';
import { findChainBreak } from '../core/timeline/chain.js';
import { openDatabase } from '../db/database.js';
import { PrismaIncidentRepository } from '../db/incident-repository.js';
import { locateIncident, parseSelector } from '../db/incident-locator.js';
import { timelineKey } from '../db/timeline-key.js';
import { createLogger } from '../log.js';
import { runCli } from './run.js';

const USAGE =
  'Usage: npm run timeline:verify -- <incident-id>\n       npm run timeline:verify -- <workspace-id> <incident-number>\n' +
  '  Checks the incident timeline against its HMAC chain (TIMELINE_KEY, or DATA_DIR/timeline.key) and its head.\n';

await runCli(USAGE, async (args) => {
  const selector = parseSelector(args);
  if (!selector) {
    process.stderr.write(USAGE);
    return 2;
  }
  const cfg = loadDatabaseConfig();
  const key = timelineKey(cfg, { create: false });
  const database = await openDatabase(cfg, createLogger('warn'), { migrate: false });
  try {
    const found = await locateIncident(database.db, selector);
    if (!found) {
      process.stderr.write(`No incident matches ${args.join(' ')}.\n`);
      return 2;
    }
    const events = await new PrismaIncidentRepository(database.db, key).timeline(found.ws, found.incidentId);
    const broken = findChainBreak(events, { key, keyedFrom: found.keyedFrom }, found.head);
    if (broken) {
      process.stdout.write(`BROKEN at event #${broken.seq}: ${broken.reason}.\n`);
      return 1;
    }
    process.stdout.write(`OK: ${events.length} events, chain intact (head #${found.head.seq} ${found.head.hash}).\n`);
    return 0;
  } finally {
    await database.close();
  }
});
