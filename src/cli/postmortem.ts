// `npm run postmortem -- <workspace-id> <incident-number> [file]`: writes the §9.1 packet as Markdown
// (to the file, or to incident-<n>-postmortem.md in the current folder).
import { writeFileSync } from 'node:fs';
import { loadDatabaseConfig, loadRunbookDir } from '../config.js';
import { LifecycleService } from '../core/incidents/lifecycle.js';
import { PostmortemService } from '../core/postmortem/service.js';
import { loadContent } from '../core/runbook/content.js';
import { openDatabase } from '../db/database.js';
import { locateIncident } from '../db/incident-locator.js';
import { PrismaIncidentRepository } from '../db/incident-repository.js';
import { createLogger } from '../log.js';

async function write([workspace, number, file]: string[]): Promise<number> {
  if (!workspace || !number || !/^\d+$/.test(number)) {
    process.stderr.write('Usage: npm run postmortem -- <workspace-id> <incident-number> [output.md]\n');
    return 2;
  }
  const database = await openDatabase(loadDatabaseConfig(), createLogger('warn'));
  try {
    const found = await locateIncident(database.db, { workspace, number: Number(number) });
    const repo = new PrismaIncidentRepository(database.db);
    const state = found && (await repo.findById(found.ws, found.incidentId));
    if (!found || !state) {
      process.stderr.write(`No incident ${number} in workspace ${workspace}.\n`);
      return 2;
    }
    const core = { repo, clock: { now: () => new Date() }, ...loadContent(loadRunbookDir()) };
    const postmortems = new PostmortemService({ ...core, lifecycle: new LifecycleService(core) });
    const { markdown, complete } = await postmortems.packet(found.ws, state);
    const out = file ?? `incident-${number}-postmortem.md`;
    writeFileSync(out, markdown);
    process.stdout.write(`Wrote ${out} (${complete ? 'complete' : 'incomplete'}).\n`);
    return 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await write(process.argv.slice(2));
