// Reads runbook data files and checks them with their schema. A bad file stops start-up with an
// error naming the file, the place in it and the rule broken.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { PACKAGE_ROOT } from '../../package-root.js';
import { incidentModelSchema, type IncidentModel } from './schema.js';

export const RUNBOOK_DIR = path.join(PACKAGE_ROOT, 'src', 'runbook');

export class RunbookError extends Error {
  override name = 'RunbookError';
}

export function loadRunbookFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RunbookError(`${file}: cannot be read as YAML: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  at ${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new RunbookError(`${file}: does not match the runbook schema:\n${issues.join('\n')}`);
  }
  return parsed.data;
}

export function loadIncidentModel(dir = RUNBOOK_DIR): IncidentModel {
  return loadRunbookFile(path.join(dir, 'incident-model.yaml'), incidentModelSchema);
}
