// Run by postinstall: makes the migrated, empty embedded database a first start loads (see
// src/db/embedded-template.ts). Quick when this build's template exists already. A template is only
// a head start, so failing to make one warns and leaves the install alone.
import { buildEmbeddedTemplate } from '../db/embedded-template.js';
import { runCli } from './run.js';

await runCli('Usage: node dist/src/cli/embedded-template.js\nMakes the embedded database template for this build (run by npm install).\n', async () => {
  try {
    process.stdout.write(`embedded database template: ${await buildEmbeddedTemplate()}\n`);
  } catch (e) {
    process.stderr.write(`embedded database template not made (a first start will run initdb instead): ${e instanceof Error ? e.message : String(e)}\n`);
  }
  return 0;
});
