// Status that follows the work: a declared incident becomes "investigating" at its first triage step
// or its first accepted containment action request, recorded as a timeline event of its own.
import type { Change, NewEvent } from '../ports.js';
import type { IncidentState } from './model.js';

/** What set the investigation going: a triage step (its id) or an action request (its catalog id). */
export type InvestigationCause = { by: 'triage-step'; itemId: string } | { by: 'action-request'; actionId: string };

/** The patch and event that move a declared incident to investigating; nothing for any other status. */
export function startInvestigating(s: IncidentState, actor: string, cause: InvestigationCause): Pick<Change<unknown>, 'patch'> & { events: NewEvent[] } {
  if (s.incident.status !== 'declared') return { events: [] };
  return { patch: { status: 'investigating' }, events: [{ type: 'incident.investigating', actor, data: { ...cause } }] };
}
