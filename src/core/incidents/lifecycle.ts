// Mitigate, resolve and reopen (§8), the governed Orgo Case link, and the open-incident list.
// Resolution is a gate, not a button: every §8 recovery step settled and the Orgo Case recorded.
import { POSTMORTEM_JOBS, postmortemJobs, rescheduleUpdate, TRIAGE_JOB, UPDATE_JOB, OPEN_STATUSES } from '../cadence/rules.js';
import type { Cadence } from '../cadence/schema.js';
import { DomainError, ErrorCode, incidentNotFound } from '../errors.js';
import type { Change, Clock, IncidentRepository } from '../ports.js';
import type { Runbook } from '../runbook/checklists.js';
import { mention } from '../views/text.js';
import { holderOf, type IncidentState, type Workspace } from './model.js';

export type Deps = { repo: IncidentRepository; clock: Clock; runbook: Runbook; cadence: Cadence };

// Printable characters only: a control character or a direction override (U+202E) could make
// the link show as one address and lead to another.
const CASE_URL = /^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/iu;

export class LifecycleService {
  constructor(private readonly deps: Deps) {}

  /** The §8 steps still open, by their text; every step when recovery is not attached yet. */
  openRecoverySteps(s: IncidentState): string[] {
    return this.deps.runbook.recovery.sections.flatMap((sec) => sec.items).filter((i) => !s.items[i.id]).map((i) => i.text);
  }

  recordCase(ws: Workspace, roomId: string, actor: string, url: string) {
    const u = url.trim().replace(/^<|>$/g, '').split('|')[0]!;
    if (!CASE_URL.test(u)) throw new DomainError(ErrorCode.InvalidInput, 'Give the Orgo Case as a link, for example `/incident case https://orgo.example/cases/123`.');
    return this.inRoom(ws, roomId, (s) =>
      s.incident.orgoCaseUrl === u
        ? { events: [], result: u }
        : { patch: { orgoCaseUrl: u }, events: [{ type: 'orgo_case.recorded', actor, data: { url: u } }], result: u },
    );
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
        const lines = [
          ...(open.length ? [`These §8 recovery steps are still open:\n${open.map((t) => `• ${t}`).join('\n')}`] : []),
          ...(missingCase ? ['No governed Orgo Case is recorded: `/incident case <link>`.'] : []),
        ];
        const attach = s.checklists.some((c) => c.checklistId === this.deps.runbook.recovery.id) ? '' : '\n`/incident checklist recovery` posts the recovery checklist.';
        throw new DomainError(ErrorCode.NotAllowed, `Not resolved yet (runbook §8).\n${lines.join('\n')}${attach}`);
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

  reopen(ws: Workspace, roomId: string, actor: string, reason: string | null) {
    return this.inRoom(ws, roomId, (s) => {
      this.assertCommander(s, actor, 'reopen the incident');
      if (OPEN_STATUSES.has(s.incident.status)) throw new DomainError(ErrorCode.InvalidInput, 'The incident is not resolved.');
      const reopened = { ...s, incident: { ...s.incident, status: 'investigating' as const } };
      const update = rescheduleUpdate(this.deps.cadence, reopened, s.incident.severity);
      return {
        // A reopened incident starts a fresh cadence: no resolution time, no misses carried over.
        patch: { status: 'investigating', resolvedAt: null, updatesMissed: 0 },
        cancel: [...(update.cancel ?? []), ...POSTMORTEM_JOBS],
        schedule: update.schedule ?? [],
        events: [{ type: 'incident.reopened', actor, data: { reason } }],
        result: true,
      };
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
  inRoom<T>(ws: Workspace, roomId: string, decide: (s: IncidentState) => Change<T>) {
    return this.deps.repo.findByRoom(ws, roomId).then((found) => {
      if (!found) {
        throw new DomainError(ErrorCode.NotInIncidentRoom, 'This is not an incident channel. Run the command in the incident\'s own channel.');
      }
      return this.deps.repo.change(ws, found.incident.id, this.deps.clock.now(), (s) => {
        if (s.incident.roomId !== roomId) throw incidentNotFound();
        return decide(s);
      });
    });
  }

  private assertCommander(s: IncidentState, actor: string, what: string) {
    const ic = holderOf(s, 'ic');
    if (ic !== undefined && ic !== actor) throw new DomainError(ErrorCode.NotAllowed, `Only the Incident Commander (${mention(ic)}) can ${what} (runbook §3).`);
  }
}
