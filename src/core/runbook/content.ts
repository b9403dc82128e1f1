// All runbook content the bot runs on, loaded and checked together at start-up.
import { loadCadence } from '../cadence/schema.js';
import { loadRunbook } from './checklists.js';
import { loadIncidentModel, RUNBOOK_DIR } from './loader.js';

export type Content = ReturnType<typeof loadContent>;

export function loadContent(dir = RUNBOOK_DIR) {
  return { model: loadIncidentModel(dir), runbook: loadRunbook(dir), cadence: loadCadence(dir) };
}
