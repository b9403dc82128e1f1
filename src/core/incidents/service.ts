// Incident use cases. Each takes plain data from a verified request, applies the runbook's rules
// and returns domain results; writing goes through the repository in one transaction.
import { command, t } from '../views/rich-text.js';
import { DomainError, ErrorCode, incidentNotFound } from '../errors.js';
import type { Change, Clock, IncidentRepository, NewEvent } from '../ports.js';
import { firstJobs, rescheduleUpdate, SETUP_JOB } from '../cadence/rules.js';
import type { Cadence } from '../cadence/schema.js';
import type { Runbook } from '../runbook/checklists.js';
import type { IncidentModel } from '../runbook/schema.js';
import { mention } from '../views/text.js';
import { parseDeclareInput, type DeclareInput } from './declare-input.js';
import { holderOf, type IncidentState, type Platform, type Role, type Severity, type Workspace } from './model.js';
import { assertSeverityAllowed, severityRank } from './rules.js';


export type Deps = { repo: IncidentRepository; clock: Clock; model: IncidentModel; runbook: Runbook; cadence: Cadence };

export type RoleOutcome = { kind: 'assigned'; previous: string | null } | { kind: 'unchanged' };

export class IncidentService {
  constructor(private readonly deps: Deps) {}

  get model(): IncidentModel {
    return this.deps.model;
  }

  workspace(platform: Platform, externalId: string): Promise<Workspace> {
    return this.deps.repo.workspace(platform, externalId);
  }

  knownWorkspace(platform: Platform, externalId: string): Promise<Workspace | undefined> {
    return this.deps.repo.knownWorkspace(platform, externalId);
  }

  /** Declares an incident. `declareKey` makes a resubmitted form return the first incident. */
  async declare(ws: Workspace, actor: string, declareKey: string, originRoomId: string | null, input: DeclareInput) {
    const v = parseDeclareInput(input);
    assertSeverityAllowed(this.deps.model, v.severity, v.areas, v.integrityUncertain);
    const symptom = v.symptom === undefined ? undefined : this.deps.runbook.quickReference.symptoms.find((s) => s.id === v.symptom);
    if (v.symptom !== undefined && !symptom) throw new DomainError(ErrorCode.InvalidInput, 'Pick a symptom from the list (runbook §10).', 'symptom');
    const now = this.deps.clock.now();
    const commander = v.commander ?? actor;
    const { commander: _c, symptom: _s, drill, ...fields } = v;
    // §5 triage always; the playbook of the symptom the declarer recognised, when there is one.
    const checklists = [this.deps.runbook.triage.id, ...(symptom ? [symptom.playbook] : [])];
    return this.deps.repo.create(ws, { ...fields, ...(drill ? { drill } : {}), declareKey, declaredBy: actor, declaredAt: now, originRoomId }, {
      grants: [{ role: 'ic', userId: commander, by: actor }],
      attach: checklists.map((checklistId) => ({ checklistId, by: actor })),
      schedule: firstJobs(this.deps.cadence, v.severity, now),
      events: [
        { type: 'incident.declared', actor, data: { ...fields, ...(symptom ? { symptom: symptom.symptom } : {}), ...(drill ? { drill } : {}) } },
        { type: 'role.assigned', actor, data: { role: 'ic', userId: commander, previous: null } },
        ...checklists.map((checklistId) => ({ type: 'checklist.attached', actor, data: { checklistId } })),
      ],
    });
  }

  /** The incident a room belongs to; commands typed elsewhere are refused. */
  async inRoom(ws: Workspace, roomId: string): Promise<IncidentState> {
    const state = await this.deps.repo.findByRoom(ws, roomId);
    if (!state) {
      throw new DomainError(
        ErrorCode.NotInIncidentRoom,
        t`This is not an incident channel. Run the command in the incident's own channel, or start one with ${command('declare')}.`,
      );
    }
    return state;
  }

  /** Loads an incident named by a payload; the repository scopes the id to the workspace. */
  async claimed(ws: Workspace, incidentId: string): Promise<IncidentState> {
    const state = await this.deps.repo.findById(ws, incidentId);
    if (!state) throw incidentNotFound();
    return state;
  }

  /** The IC hands a role to someone; anyone may step into a role nobody holds. */
  assignRole(ws: Workspace, incidentId: string, actor: string, role: Role, userId: string) {
    return this.change(ws, incidentId, (s) => {
      const ic = holderOf(s, 'ic');
      const current = holderOf(s, role);
      const selfIntoEmpty = userId === actor && current === undefined;
      if (ic !== actor && !selfIntoEmpty && ic !== undefined) {
        throw new DomainError(ErrorCode.NotAllowed, `Only the Incident Commander (${mention(ic)}) can assign roles.`);
      }
      return this.grant(s, role, userId, actor);
    });
  }

  /**
   * The "Take role" button: first come, first served; the loser is told who holds it. The incident
   * id comes from a payload, so it must belong to the room the button was clicked in.
   */
  takeRole(ws: Workspace, claim: { incidentId: string; roomId: string }, actor: string, role: Role) {
    return this.change(ws, claim.incidentId, (s) => {
      if (s.incident.roomId !== claim.roomId) throw incidentNotFound();
      const current = holderOf(s, role);
      if (current !== undefined && current !== actor) {
        throw new DomainError(ErrorCode.RoleTaken, `${this.deps.model.roles[role].name} is already held by ${mention(current)}.`);
      }
      return this.grant(s, role, actor, actor);
    });
  }

  /**
   * Sets the severity. With `onlyRaise` (a "Raise to SEVn" prompt), an incident already at that
   * severity or above is left as it is: a prompt never lowers it.
   */
  changeSeverity(ws: Workspace, incidentId: string, actor: string, severity: Severity, reason: string | null, opts: { onlyRaise?: boolean } = {}) {
    return this.change(ws, incidentId, (s): Change<{ from: Severity } | null> => {
      const ic = holderOf(s, 'ic');
      if (ic !== undefined && ic !== actor) {
        throw new DomainError(ErrorCode.NotAllowed, `Only the Incident Commander (${mention(ic)}) can change the severity.`);
      }
      const from = s.incident.severity;
      if (from === severity || (opts.onlyRaise && severityRank(from) < severityRank(severity))) return { events: [], result: null };
      assertSeverityAllowed(this.deps.model, severity, s.incident.areas, s.incident.integrityUncertain);
      return {
        patch: { severity },
        ...rescheduleUpdate(this.deps.cadence, s, severity),
        events: [{ type: 'severity.changed', actor, data: { from, to: severity, reason } }],
        result: { from },
      };
    });
  }

  /** Records the incident's room once the surface has created it. */
  attachRoom(ws: Workspace, incidentId: string, room: { id: string; name: string }) {
    return this.change(ws, incidentId, (s) =>
      s.incident.roomId === room.id
        ? { events: [], result: null }
        : { patch: { roomId: room.id, roomName: room.name }, events: [{ type: 'room.created', actor: null, data: { ...room } }], result: null },
    );
  }

  /** The channel set-up finished (when `complete` holds on the current state): its safety-net job is no longer needed. */
  setupDone(ws: Workspace, incidentId: string, complete: (s: IncidentState) => boolean = () => true) {
    return this.change(ws, incidentId, (s) => (complete(s) ? { cancel: [SETUP_JOB], events: [], result: null } : { events: [], result: null }));
  }

  /** A chat step that failed after retries: recorded, so the gap is visible in the timeline. */
  recordDeliveryFailure(ws: Workspace, incidentId: string, step: string, detail: string) {
    return this.change(ws, incidentId, () => ({ events: [{ type: 'delivery.failed', actor: null, data: { step, detail } }], result: null }));
  }

  timeline(ws: Workspace, incidentId: string) {
    return this.deps.repo.timeline(ws, incidentId);
  }

  private grant(s: IncidentState, role: Role, userId: string, actor: string): Change<RoleOutcome> {
    const previous = holderOf(s, role) ?? null;
    if (previous === userId) return { events: [], result: { kind: 'unchanged' } };
    const event: NewEvent = { type: 'role.assigned', actor, data: { role, userId, previous } };
    return { grants: [{ role, userId, by: actor }], events: [event], result: { kind: 'assigned', previous } };
  }

  private change<T>(ws: Workspace, incidentId: string, decide: (s: IncidentState) => Change<T>) {
    return this.deps.repo.change(ws, incidentId, this.deps.clock.now(), decide);
  }
}
