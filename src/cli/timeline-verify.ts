// `npm run timeline:verify -- <incident-id> | <workspace> <number>`: checks an incident's hash chain
// and names the first broken link. Exit 0 intact, 1 broken, 2 bad arguments or unknown incident.
import { loadDatabaseConfig } from '../config.js';
import { findChainBreak } from '../core/timeline/chain.js';
import { openDatabase } from '../db/database.js';
import { PrismaIncidentRepository } from '../db/incident-repository.js';
import { locateIncident, parseSelector } from '../db/incident-locator.js';
import { createLogger } from '../log.js';

const USAGE = 'Usage: npm run timeline:verify -- <incident-id>\n       npm run timeline:verify -- <workspace-id> <incident-number>\n';

async function verify(args: string[]): Promise<number> {
  const selector = parseSelector(args);
  if (!selector) {
    process.stderr.write(USAGE);
    return 2;
  }
  const database = await openDatabase(loadDatabaseConfig(), createLogger('warn'));
  try {
    const found = await locateIncident(database.db, selector);
    if (!found) {
      process.stderr.write(`No incident matches ${args.join(' ')}.\n`);
      return 2;
    }
    const events = await new PrismaIncidentRepository(database.db).timeline(found.ws, found.incidentId);
    const broken = findChainBreak(events, found.head);
    if (broken) {
      process.stdout.write(`BROKEN at event #${broken.seq}: ${broken.reason}.\n`);
      return 1;
    }
    process.stdout.write(`OK: ${events.length} events, chain intact (last hash ${events.at(-1)?.hash ?? 'none'}).\n`);
    return 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await verify(process.argv.slice(2));
