// `npm run runbook:check -- [dir]`: checks a runbook content folder (checklists, playbooks, the §10
// quick reference, cadence, the action catalog, the incident model) exactly as start-up does, and
// prints the same errors: the file, the place in it, the item and the rule broken. Without a folder,
// it checks RUNBOOK_DIR, else the shipped content. Exit 0 valid, 1 invalid, 2 bad arguments.
import path from 'node:path';
import { loadRunbookDir } from '../config.js';
import { allChecklists } from '../core/runbook/checklists.js';
import { loadContent } from '../core/runbook/content.js';
import { RUNBOOK_DIR, RunbookError } from '../core/runbook/loader.js';

function check(args: string[]): number {
  if (args.length > 1) {
    process.stderr.write('Usage: npm run runbook:check -- [runbook-folder]\n');
    return 2;
  }
  const dir = args[0] ? path.resolve(args[0]) : (loadRunbookDir() ?? RUNBOOK_DIR);
  try {
    const { runbook, actions } = loadContent(dir);
    const checklists = allChecklists(runbook);
    process.stdout.write(
      `${dir}: valid. ${checklists.length} checklists (${runbook.playbooks.length} playbooks), ${runbook.quickReference.symptoms.length} §10 symptoms, ${actions.actions.length} containment actions.\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof RunbookError)) throw e;
    process.stderr.write(`${dir}: invalid.\n${e.message}\n`);
    return 1;
  }
}

process.exitCode = check(process.argv.slice(2));
