// All runbook content the bot runs on, loaded and checked together at start-up.
import { loadActionCatalog } from '../actions/catalog.js';
import { loadCadence } from '../cadence/schema.js';
import { loadRunbook } from './checklists.js';
import { loadIncidentModel, RUNBOOK_DIR } from './loader.js';

export type Content = ReturnType<typeof loadContent>;

export function loadContent(dir = RUNBOOK_DIR) {
  const runbook = loadRunbook(dir);
  return { model: loadIncidentModel(dir), runbook, cadence: loadCadence(dir), actions: loadActionCatalog(dir, runbook) };
}
