// Mitigate, resolve, reopen and close (§8, §9), the governed Orgo Case link, and the open-incident list.
// Resolution is a gate, not a button: every §8 recovery step settled and the Orgo Case recorded.
// Reopening returns the §8 steps to open, so resolving again re-validates recovery; closing needs a
// complete postmortem packet.
import { command, join, t, type Rich } from '../views/rich-text.js';
import { POSTMORTEM_JOBS, postmortemJobs, rescheduleUpdate, TRIAGE_JOB, UPDATE_JOB, OPEN_STATUSES } from '../cadence/rules.js';
import type { Cadence } from '../cadence/schema.js';
import { DomainError, ErrorCode } from '../errors.js';
import { assertMayTick, OPEN } from '../checklists/state.js';
import { packetGaps } from '../postmortem/packet.js';
import type { Change, Clock, IncidentRepository, ItemUpdate, NewEvent } from '../ports.js';
import type { Runbook } from '../runbook/checklists.js';
import type { ChecklistItem } from '../runbook/checklist-schema.js';
import type { IncidentModel } from '../runbook/schema.js';
import { roleNamesOf } from '../views/checklist.js';
import { mention } from '../views/text.js';
import { holderOf, type IncidentState, type Workspace } from './model.js';

export type Deps = { repo: IncidentRepository; clock: Clock; runbook: Runbook; cadence: Cadence; model: IncidentModel };

export type CaseRecorded = { url: string; settled: ChecklistItem | null };

// Printable characters only: a control character or a direction override (U+202E) could make
// the link show as one address and lead to another.
const CASE_URL = /^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/iu;

export class LifecycleService {
  constructor(private readonly deps: Deps) {}

  /** The §8 steps still open, by their text; every step when recovery is not attached yet. */
  openRecoverySteps(s: IncidentState): string[] {
    return this.deps.runbook.recovery.sections.flatMap((sec) => sec.items).filter((i) => !s.items[i.id]).map((i) => i.text);
  }

  /** The §8 step that recording the Orgo Case settles, if the runbook has one. */
  caseStep(): ChecklistItem | undefined {
    return this.deps.runbook.recovery.sections.flatMap((sec) => sec.items).find((i) => i.settledBy === 'orgo-case');
  }

  /**
   * Records the governed Orgo Case and, in the same event, settles its §8 step by the same person.
   * Who may record it is who may tick that step.
   */
  recordCase(ws: Workspace, roomId: string, actor: string, url: string) {
    const u = url.trim().replace(/^<|>$/g, '').split('|')[0]!;
    if (!CASE_URL.test(u)) throw new DomainError(ErrorCode.InvalidInput, t`Give the Orgo Case as a link, for example ${command('case', 'https://orgo.example/cases/123')}.`);
    const at = this.deps.clock.now();
    return this.inRoom(ws, roomId, (s): Change<CaseRecorded> => {
      const step = this.caseStep();
      if (step) assertMayTick(step, actor, s.holders, roleNamesOf(this.deps.model), this.deps.runbook.recovery);
      const settle = step && !s.items[step.id] ? step : null;
      if (s.incident.orgoCaseUrl === u && !settle) return { events: [], result: { url: u, settled: null } };
      return {
        ...(s.incident.orgoCaseUrl === u ? {} : { patch: { orgoCaseUrl: u } }),
        ...(settle ? { items: [{ itemId: settle.id, state: { status: 'done' as const, by: actor, at }, actor }] } : {}),
        events: [{ type: 'orgo_case.recorded', actor, data: { url: u, ...(settle ? { checklistId: this.deps.runbook.recovery.id, itemId: settle.id } : {}) } }],
        result: { url: u, settled: settle },
      };
    });
  }

  mitigate(ws: Workspace, roomId: string, actor: string) {
    return this.inRoom(ws, roomId, (s) => {
      this.assertCommander(s, actor, 'mark the incident mitigated');
      if (s.incident.status === 'mitigated') return { events: [], result: false };
      if (!OPEN_STATUSES.has(s.incident.status)) throw new DomainError(ErrorCode.InvalidInput, 'The incident is resolved; reopen it first.');
      // Mitigated is not resolved: updates stay due on the same cadence.
      return { patch: { status: 'mitigated' }, events: [{ type: 'incident.mitigated', actor, data: {} }], result: true };
    });
  }

  resolve(ws: Workspace, roomId: string, actor: string) {
    const now = this.deps.clock.now();
    return this.inRoom(ws, roomId, (s) => {
      this.assertCommander(s, actor, 'resolve the incident');
      if (!OPEN_STATUSES.has(s.incident.status)) throw new DomainError(ErrorCode.InvalidInput, 'The incident is already resolved.');
      const open = this.openRecoverySteps(s);
      const missingCase = !s.incident.orgoCaseUrl;
      if (open.length > 0 || missingCase) {
        const lines: Rich[] = [
          ...(open.length ? [[`These §8 recovery steps are still open:\n${open.map((step) => `• ${step}`).join('\n')}`]] : []),
          ...(missingCase ? [t`No governed Orgo Case is recorded: ${command('case', '<link>')}.`] : []),
        ];
        const attached = s.checklists.some((c) => c.checklistId === this.deps.runbook.recovery.id);
        const attach = attached ? [] : t`\n${command('checklist', 'recovery')} posts the recovery checklist.`;
        throw new DomainError(ErrorCode.NotAllowed, t`Not resolved yet (runbook §8).\n${join(lines, '\n')}${attach}`);
      }
      const durationMs = now.getTime() - s.incident.declaredAt.getTime();
      return {
        patch: { status: 'resolved', resolvedAt: now },
        cancel: [UPDATE_JOB, TRIAGE_JOB],
        schedule: postmortemJobs(now),
        events: [{ type: 'incident.resolved', actor, data: { durationMs } }],
        result: { durationMs },
      };
    });
  }

  /**
   * Reopens a resolved or closed incident. Its §8 steps go back to open (each undo recorded with the
   * reopening's reason), so resolving again needs recovery validated again.
   */
  reopen(ws: Workspace, roomId: string, actor: string, reason: string | null) {
    return this.inRoom(ws, roomId, (s) => {
      this.assertCommander(s, actor, 'reopen the incident');
      if (OPEN_STATUSES.has(s.incident.status)) throw new DomainError(ErrorCode.InvalidInput, 'The incident is not resolved.');
      const reopened = { ...s, incident: { ...s.incident, status: 'investigating' as const } };
      const update = rescheduleUpdate(this.deps.cadence, reopened, s.incident.severity);
      const recovery = this.deps.runbook.recovery;
      const settled = recovery.sections.flatMap((sec) => sec.items).filter((i) => s.items[i.id]);
      const why = `incident reopened${reason ? `: ${reason}` : ''}`;
      const items: ItemUpdate[] = settled.map((i) => ({ itemId: i.id, state: OPEN, actor }));
      const undone: NewEvent[] = settled.map((i) => ({ type: 'checklist.item.undone', actor, data: { checklistId: recovery.id, itemId: i.id, reason: why } }));
      return {
        // A reopened incident starts a fresh cadence: no resolution time, no misses carried over.
        patch: { status: 'investigating', resolvedAt: null, updatesMissed: 0 },
        items,
        cancel: [...(update.cancel ?? []), ...POSTMORTEM_JOBS],
        schedule: update.schedule ?? [],
        events: [{ type: 'incident.reopened', actor, data: { reason, reopenedSteps: settled.map((i) => i.id) } }, ...undone],
        result: { reopenedSteps: settled },
      };
    });
  }

  /** §9: a resolved incident whose postmortem packet is complete is closed by its IC. */
  close(ws: Workspace, roomId: string, actor: string) {
    return this.inRoom(ws, roomId, (s) => {
      const ic = holderOf(s, 'ic');
      if (ic !== actor) {
        throw new DomainError(ErrorCode.NotAllowed, `Only the Incident Commander (${ic ? mention(ic) : 'unfilled'}) can close the incident (runbook §3). Ask them, or take command if it is unfilled.`);
      }
      if (s.incident.status === 'closed') return { events: [], result: false };
      if (s.incident.status !== 'resolved') throw new DomainError(ErrorCode.InvalidInput, 'Only a resolved incident can be closed: resolve it first (runbook §8).');
      const gaps = packetGaps(s);
      const missing = [
        ...gaps.sections.map((t) => `the section "${t}" is not written`),
        ...(s.followups.length === 0 ? ['no corrective action is recorded'] : []),
        ...gaps.followups.map((n) => `corrective action #${n} has no owner or no deadline`),
      ];
      if (missing.length > 0) {
        throw new DomainError(ErrorCode.NotAllowed, `Not closed yet: the postmortem packet is incomplete (runbook §9.1):\n${missing.map((m) => `• ${m}`).join('\n')}`);
      }
      return { patch: { status: 'closed' }, cancel: POSTMORTEM_JOBS, events: [{ type: 'incident.closed', actor, data: {} }], result: true };
    });
  }

  /** The bot's clock, for ages and due times shown beside stored times. */
  now(): Date {
    return this.deps.clock.now();
  }

  list(ws: Workspace) {
    return this.deps.repo.listOpen(ws);
  }

  /** Runs a decision on an incident known by id (a scheduler job's), under its lock. */
  inIncident<T>(ws: Workspace, incidentId: string, decide: (s: IncidentState) => Change<T>) {
    return this.deps.repo.change(ws, incidentId, this.deps.clock.now(), decide);
  }

  /** Runs a decision on the incident of a room, under its lock. */
  async inRoom<T>(ws: Workspace, roomId: string, decide: (s: IncidentState) => Change<T>) {
    const out = await this.deps.repo.changeInRoom(ws, roomId, this.deps.clock.now(), decide);
    if (!out) throw new DomainError(ErrorCode.NotInIncidentRoom, 'This is not an incident channel. Run the command in the incident\'s own channel.');
    return out;
  }

  private assertCommander(s: IncidentState, actor: string, what: string) {
    const ic = holderOf(s, 'ic');
    if (ic !== undefined && ic !== actor) throw new DomainError(ErrorCode.NotAllowed, `Only the Incident Commander (${mention(ic)}) can ${what} (runbook §3).`);
  }
}
