// Checklist use cases: attach runbook checklists to an incident and move its steps. Every click is
// decided under the incident's lock against the stored state, so two clicks on one step make one
// change and the second is told who was first.
import { DomainError, ErrorCode, incidentNotFound } from '../errors.js';
import type { IncidentState, Workspace } from '../incidents/model.js';
import { severityRank } from '../incidents/rules.js';
import { startInvestigating } from '../incidents/status.js';
import type { Clock, IncidentRepository } from '../ports.js';
import { allChecklists, findItem, type Runbook } from '../runbook/checklists.js';
import type { Checklist, Playbook } from '../runbook/checklist-schema.js';
import type { IncidentModel } from '../runbook/schema.js';
import { checklistView, roleNamesOf, type ChecklistView } from '../views/checklist.js';
import { assertMayTick, markNotApplicable, nextState, OPEN, skip, tick, undo, type ChecklistEvent } from './state.js';

export type StepVerb = 'done' | 'skip' | 'na' | 'undo';

export type Deps = { repo: IncidentRepository; clock: Clock; model: IncidentModel; runbook: Runbook };

/** Playbooks whose note calls for a higher severity than the incident has. */
export type EscalationPrompt = { playbook: Playbook; severity: 'SEV0' | 'SEV1'; when: string };

export class ChecklistService {
  constructor(private readonly deps: Deps) {}

  get runbook(): Runbook {
    return this.deps.runbook;
  }

  checklist(id: string): Checklist | undefined {
    return allChecklists(this.deps.runbook).find((c) => c.id === id);
  }

  /** Attaches checklists by id; ones already attached are left as they are. */
  attach(ws: Workspace, incidentId: string, actor: string, ids: string[]) {
    const wanted = ids.map((id) => {
      const c = this.checklist(id);
      if (!c) {
        const known = allChecklists(this.deps.runbook).map((k) => k.id).join(', ');
        throw new DomainError(ErrorCode.InvalidInput, `"${id}" is not a runbook checklist. Use one of: ${known}.`);
      }
      return c;
    });
    return this.deps.repo.change(ws, incidentId, this.deps.clock.now(), (s) => {
      const have = new Set(s.checklists.map((c) => c.checklistId));
      const fresh = [...new Map(wanted.filter((c) => !have.has(c.id)).map((c) => [c.id, c])).values()];
      return {
        attach: fresh.map((c) => ({ checklistId: c.id, by: actor })),
        events: fresh.map((c) => ({ type: 'checklist.attached', actor, data: { checklistId: c.id } })),
        result: { attached: fresh, prompts: this.escalations(s, fresh.map((c) => c.id)) },
      };
    });
  }

  /** Done, skip (with a reason), not applicable or undo, on one step of an attached checklist. */
  act(ws: Workspace, claim: { incidentId: string; roomId: string }, actor: string, verb: StepVerb, itemId: string, reason?: string) {
    const at = this.deps.clock.now();
    return this.deps.repo.change(ws, claim.incidentId, at, (s) => {
      const found = this.allowed(s, claim.roomId, actor, itemId);
      const current = s.items[itemId] ?? OPEN;
      const cmd = { itemId, actor, at };
      if (verb === 'done' && found.item.settledBy === 'orgo-case' && !s.incident.orgoCaseUrl) {
        throw new DomainError(
          ErrorCode.InvalidInput,
          'This step is ticked by recording the governed Orgo Case: run the case command with its link in this channel (case https://orgo.example/cases/123). That records the case and ticks this step in one go.',
        );
      }
      const event: ChecklistEvent =
        verb === 'done' ? tick(current, cmd) : verb === 'skip' ? skip(current, cmd, reason ?? '') : verb === 'na' ? markNotApplicable(current, cmd, reason) : undo(current, cmd);
      const investigating = found.checklist.kind === 'triage' && verb !== 'undo' ? startInvestigating(s, actor, { by: 'triage-step', itemId }) : { events: [] };
      return {
        ...(investigating.patch ? { patch: investigating.patch } : {}),
        items: [{ itemId, state: nextState(current, event), actor }],
        events: [{ type: event.type, actor, data: { checklistId: found.checklist.id, itemId, ...(event.reason ? { reason: event.reason } : {}) } }, ...investigating.events],
        result: { checklist: found.checklist, item: found.item },
      };
    });
  }

  /**
   * Before the skip form opens: would this person be allowed to skip this step now? Throws the same
   * refusal the submission would, so nobody types a reason only to be refused.
   */
  async assertMaySkip(ws: Workspace, claim: { incidentId: string; roomId: string }, actor: string, itemId: string) {
    const s = await this.deps.repo.findById(ws, claim.incidentId);
    if (!s) throw incidentNotFound();
    this.allowed(s, claim.roomId, actor, itemId);
    skip(s.items[itemId] ?? OPEN, { itemId, actor, at: this.deps.clock.now() }, 'pending');
  }

  /** The step, when it belongs to this room's incident and this person may act on it. */
  private allowed(s: IncidentState, roomId: string, actor: string, itemId: string) {
    if (s.incident.roomId !== roomId) throw incidentNotFound();
    const found = findItem(this.deps.runbook, itemId);
    if (!found || !s.checklists.some((c) => c.checklistId === found.checklist.id)) {
      throw new DomainError(ErrorCode.IncidentNotFound, 'That step is not part of this incident.');
    }
    assertMayTick(found.item, actor, s.holders, roleNamesOf(this.deps.model), found.checklist);
    return found;
  }

  /** The views of every attached checklist, in the order they were attached. */
  views(s: IncidentState): ChecklistView[] {
    return s.checklists.flatMap((a) => {
      const c = this.checklist(a.checklistId);
      return c ? [this.view(s, c)] : [];
    });
  }

  view(s: IncidentState, c: Checklist): ChecklistView {
    return checklistView(c, new Map(Object.entries(s.items)), s.holders, roleNamesOf(this.deps.model));
  }

  /** Of the given playbooks, those whose note calls for a higher severity than the incident has. */
  escalations(s: IncidentState, checklistIds: string[]): EscalationPrompt[] {
    return checklistIds.flatMap((id) => {
      const c = this.checklist(id);
      return c?.kind === 'playbook' && c.escalation && severityRank(c.escalation.severity) < severityRank(s.incident.severity)
        ? [{ playbook: c as Playbook, severity: c.escalation.severity, when: c.escalation.when }]
        : [];
    });
  }
}
