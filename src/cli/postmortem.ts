// `npm run postmortem -- <incident-id> [file]` or `-- <workspace-id> <incident-number> [file]`: writes
// the §9.1 packet as Markdown (to the file, or to incident-<n>-postmortem.md in the current folder).
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDatabaseConfig, loadRunbookDir } from '../config.js';
import { LifecycleService } from '../core/incidents/lifecycle.js';
import { PostmortemService } from '../core/postmortem/service.js';
import { loadContent } from '../core/runbook/content.js';
import { openDatabase } from '../db/database.js';
import { locateIncident, parseSelector } from '../db/incident-locator.js';
import { PrismaIncidentRepository } from '../db/incident-repository.js';
import { timelineKey } from '../db/timeline-key.js';
import { createLogger } from '../log.js';
import { runCli } from './run.js';

const USAGE = 'Usage: npm run postmortem -- <incident-id> [output.md]\n       npm run postmortem -- <workspace-id> <incident-number> [output.md]\n';

/** The incident selector and the output file, whichever form the arguments take. */
function parseArgs(args: string[]) {
  for (const n of [1, 2]) {
    const selector = parseSelector(args.slice(0, n));
    if (selector && args.length <= n + 1) return { selector, file: args[n] };
  }
  return null;
}

await runCli(USAGE, async (args) => {
  const parsed = parseArgs(args);
  if (!parsed) {
    process.stderr.write(USAGE);
    return 2;
  }
  const folder = parsed.file ? path.dirname(path.resolve(parsed.file)) : process.cwd();
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    process.stderr.write(`The folder ${folder} does not exist: create it first, or name an output file in an existing folder.\n`);
    return 2;
  }
  const cfg = loadDatabaseConfig();
  const key = timelineKey(cfg, { create: false });
  const database = await openDatabase(cfg, createLogger('warn'));
  try {
    const found = await locateIncident(database.db, parsed.selector);
    const repo = new PrismaIncidentRepository(database.db, key);
    const state = found && (await repo.findById(found.ws, found.incidentId));
    if (!found || !state) {
      process.stderr.write(`No incident matches ${args.slice(0, 'incidentId' in parsed.selector ? 1 : 2).join(' ')}.\n`);
      return 2;
    }
    const core = { repo, clock: { now: () => new Date() }, ...loadContent(loadRunbookDir()) };
    const postmortems = new PostmortemService({ ...core, lifecycle: new LifecycleService(core) });
    const { markdown, complete } = await postmortems.packet(found.ws, state);
    const out = parsed.file ?? `incident-${state.incident.number}-postmortem.md`;
    writeFileSync(out, markdown);
    process.stdout.write(`Wrote ${out} (${complete ? 'complete' : 'incomplete'}).\n`);
    return 0;
  } finally {
    await database.close();
  }
});
