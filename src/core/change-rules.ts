// What every repository refuses before writing a change, whatever its storage: a change that
// contradicts itself is a bug in a decision, and writing half of it would hide that.

import type { IncidentState } from './incidents/model.js';
import type { Change, JobCompletion } from './ports.js';

export class IncoherentChange extends Error {
  override name = 'IncoherentChange';
}

/** Patch fields that may be cleared; every other one only ever takes a value. */
const CLEARABLE = new Set(['resolvedAt']);

/** `c`: a change, or a job's record (a change that also completes the job). */
export function assertCoherent(before: Pick<IncidentState, 'jobs'>, c: Omit<Change<unknown>, 'result'> & { complete?: JobCompletion }): void {
  const completed = c.complete ? before.jobs.find((j) => j.id === c.complete!.jobId) : undefined;
  if (completed && (c.cancel ?? []).includes(completed.kind)) {
    throw new IncoherentChange(`a change may not both complete job ${completed.id} and cancel its kind ${completed.kind}`);
  }
  for (const [field, value] of Object.entries(c.patch ?? {})) {
    // SQL applies a patch with COALESCE: a null would be silently ignored, so it is refused here.
    if (value === null && !CLEARABLE.has(field)) throw new IncoherentChange(`a patch may not clear ${field}`);
  }
  const items = (c.items ?? []).map((i) => i.itemId);
  if (new Set(items).size !== items.length) throw new IncoherentChange('a change may move each checklist step once');
  const roles = (c.grants ?? []).map((g) => g.role);
  if (new Set(roles).size !== roles.length) throw new IncoherentChange('a change may grant each role once');
}
