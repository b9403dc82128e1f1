// Status updates and their reminders (§7.1). An update resets the cadence; a reminder that finds
// no update counts a miss, and past the configured patience it escalates. Reminders are durable
// jobs: the scheduler claims one, the surface posts it, and `complete` records it exactly once.
import { z } from 'zod';
import { DomainError, ErrorCode, incidentNotFound } from '../errors.js';
import { checklistShows, HEADER, holderOf, pendingJob, type IncidentState, type Workspace } from '../incidents/model.js';
import type { Change, ClaimedJob, Clock, IncidentRepository, JobRecord, NewJob } from '../ports.js';
import type { Runbook } from '../runbook/checklists.js';
import type { UpdateFields, ReminderView } from '../views/cadence.js';
import { mention, utc } from '../views/text.js';
import { packetComplete, packetGaps } from '../postmortem/packet.js';
import {
  ACTION_JOB,
  ESCALATION_JOB,
  EXPIRE_JOB,
  LIFT_JOB,
  FOLLOWUP_JOB,
  MINUTE,
  nextReminder,
  OPEN_STATUSES,
  POSTMORTEM_OVERDUE_JOB,
  POSTMORTEM_REMINDER_JOB,
  SETUP_JOB,
  TRIAGE_JOB,
  UPDATE_JOB,
  updateEvery,
} from './rules.js';
import type { Cadence } from './schema.js';

export type Deps = { repo: IncidentRepository; clock: Clock; runbook: Runbook; cadence: Cadence };


const field = (name: string) => z.string().trim().min(1, `Say ${name}.`).max(2000, `Keep ${name} under 2000 characters.`);

/** What happens when a job comes due: what to post (if anything) and how to record it. */
export type ReminderPlan = { view: ReminderView | null; outcome: string; next: NewJob | null; missed: number | null };

export class CadenceService {
  private readonly updateSchema;

  constructor(private readonly deps: Deps) {
    this.updateSchema = z.object({
      changed: field('what changed since the last update'),
      impact: field('the current impact and scope'),
      mitigation: z.enum(deps.cadence.mitigationOptions as [string, ...string[]], { message: 'Pick a mitigation status.' }),
      mitigationDetail: z.string().trim().max(2000).default(''),
      nextActions: field('the next actions'),
      owner: z.string().min(1, 'Name the owner of the next actions.'),
    });
  }

  get cadence(): Cadence {
    return this.deps.cadence;
  }

  /** Posts a §7.1 update: stored in the timeline, and the cadence starts again from now. */
  async postUpdate(ws: Workspace, roomId: string, actor: string, input: Partial<UpdateFields>) {
    const parsed = this.updateSchema.safeParse(input);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      throw new DomainError(ErrorCode.InvalidInput, first.message, String(first.path[0] ?? ''));
    }
    const fields: UpdateFields = parsed.data;
    const now = this.deps.clock.now();
    return this.inRoom(ws, roomId, now, (s) => {
      const every = updateEvery(this.deps.cadence, s.incident.severity);
      const nextDueAt = every !== null && OPEN_STATUSES.has(s.incident.status) ? new Date(now.getTime() + every) : null;
      return {
        patch: { lastUpdateAt: now, updatesMissed: 0 },
        cancel: [UPDATE_JOB],
        schedule: nextDueAt ? [{ kind: UPDATE_JOB, dueAt: nextDueAt }] : [],
        events: [{ type: 'update.posted', actor, data: { ...fields } }],
        result: { fields, at: now, nextDueAt },
      };
    });
  }

  /** "Snooze 5 min": once per cycle, recorded with who snoozed. */
  snooze(ws: Workspace, roomId: string, actor: string) {
    const now = this.deps.clock.now();
    return this.inRoom(ws, roomId, now, (s) => {
      const job = pendingJob(s, UPDATE_JOB);
      if (!job) throw new DomainError(ErrorCode.InvalidInput, 'No update reminder is pending for this incident.');
      // Only an overdue update can be snoozed: a Snooze clicked on an old reminder after an update must
      // not bring the next reminder forward.
      if (s.incident.updatesMissed === 0) {
        throw new DomainError(ErrorCode.InvalidInput, `No update is overdue: the next one is due at ${utc(job.dueAt)}.`);
      }
      const by = job.data.snoozedBy;
      if (typeof by === 'string') {
        throw new DomainError(ErrorCode.InvalidInput, `This cycle was already snoozed by ${mention(by)}. Post an update instead.`);
      }
      const until = new Date(now.getTime() + this.deps.cadence.snoozeMinutes * MINUTE);
      return {
        cancel: [UPDATE_JOB],
        schedule: [{ kind: UPDATE_JOB, dueAt: until, data: { snoozedBy: actor } }],
        events: [{ type: 'update.snoozed', actor, data: { until: until.toISOString() } }],
        result: { until },
      };
    });
  }

  /** What a due job should do, judged from the incident's current state. */
  plan(s: IncidentState, job: ClaimedJob, now: Date): ReminderPlan {
    const i = s.incident;
    const asked = holderOf(s, 'ic') ?? holderOf(s, 'ops') ?? i.declaredBy;
    const base = { incidentId: i.id, number: i.number, title: i.title, mention: asked };
    const quiet = (outcome: string): ReminderPlan => ({ view: null, outcome, next: null, missed: null });
    const once = (view: ReminderView): ReminderPlan => ({ view, outcome: 'posted', next: null, missed: null });
    if (job.kind === POSTMORTEM_REMINDER_JOB || job.kind === POSTMORTEM_OVERDUE_JOB) {
      if (i.status !== 'resolved' && i.status !== 'closed') return quiet('cancelled');
      const gaps = packetGaps(s);
      const missing = [...gaps.sections, ...(s.followups.length === 0 ? ['corrective actions'] : []), ...gaps.followups.map((n) => `owner and deadline of corrective action #${n}`)];
      if (packetComplete(s)) return quiet('complete');
      return once({ kind: 'postmortem', ...base, hours: Number(job.data.hours ?? 0), overdue: job.kind === POSTMORTEM_OVERDUE_JOB, missing });
    }
    if (job.kind === LIFT_JOB) {
      const req = s.actions.find((a) => a.id === job.data.requestId);
      return req?.liftStatus === 'requested' ? once({ kind: 'lift', incidentId: i.id, requestId: req.id }) : quiet('done-already');
    }
    if (job.kind === EXPIRE_JOB) {
      const req = s.actions.find((a) => a.id === job.data.requestId);
      const lift = job.data.lift === true;
      const waiting = lift ? req?.liftStatus === 'awaiting_approval' : req?.status === 'awaiting_approval';
      return req && waiting ? once({ kind: 'expire', incidentId: i.id, requestId: req.id, lift }) : quiet('done-already');
    }
    if (job.kind === ACTION_JOB) {
      const req = s.actions.find((a) => a.id === job.data.requestId);
      return req?.status === 'approved' ? once({ kind: 'action', incidentId: i.id, requestId: req.id }) : quiet('done-already');
    }
    if (job.kind === SETUP_JOB) {
      const done = i.roomId && s.posted[HEADER] && s.checklists.every((c) => s.posted[checklistShows(c.checklistId)]);
      return done ? quiet('done-already') : once({ kind: 'setup', incidentId: i.id });
    }
    // A resolved incident owes no escalation: one still failing after the resolve is obsolete.
    if (job.kind === ESCALATION_JOB) {
      if (!OPEN_STATUSES.has(i.status)) return quiet('cancelled');
      return once({ kind: 'escalation', ...base, severity: i.severity, missed: Number(job.data.missed ?? 0) });
    }
    if (job.kind === FOLLOWUP_JOB) {
      const f = s.followups.find((x) => x.seq === job.data.seq);
      if (!f || f.doneAt) return quiet('done-already');
      return once({ kind: 'followup', ...base, mention: f.owner ?? asked, seq: f.seq, action: f.title });
    }
    if (!OPEN_STATUSES.has(i.status)) return quiet('cancelled');
    if (job.kind === TRIAGE_JOB) {
      const open = this.deps.runbook.triage.sections.flatMap((sec) => sec.items).filter((item) => !s.items[item.id]);
      if (open.length === 0) return { view: null, outcome: 'nothing-open', next: null, missed: null };
      return {
        view: { kind: 'triage', incidentId: i.id, number: i.number, title: i.title, mention: asked, openSteps: open.map((o) => o.text) },
        outcome: 'posted',
        next: null,
        missed: null,
      };
    }
    const every = updateEvery(this.deps.cadence, i.severity);
    if (job.kind !== UPDATE_JOB || every === null) return { view: null, outcome: 'cancelled', next: null, missed: null };
    const missed = i.updatesMissed + 1;
    return {
      view: {
        kind: 'update',
        incidentId: i.id,
        number: i.number,
        title: i.title,
        severity: i.severity,
        mention: asked,
        missed,
        escalate: missed > this.deps.cadence.escalateAfterMissed,
        lastUpdateAt: i.lastUpdateAt,
        fields: ['What changed since the last update', 'Current impact/scope', 'Mitigation status (freeze/rollback/quarantine)', 'Next actions + owner'],
      },
      outcome: 'posted',
      next: { kind: UPDATE_JOB, dueAt: nextReminder(job.dueAt, every, now) },
      missed,
    };
  }

  /** Records a due job's outcome once; a job whose lease was lost, or that an update superseded, records nothing. */
  async complete(ws: Workspace, job: ClaimedJob, owner: string, plan: ReminderPlan): Promise<boolean> {
    const [recorded] = await this.deps.repo.completeJobs(this.deps.clock.now(), [this.record(ws, job, owner, plan)]);
    return recorded === true;
  }

  /** What `complete` writes for a due job, for a scheduler that records a batch of them at once. */
  record(ws: Workspace, job: ClaimedJob, owner: string, plan: ReminderPlan): JobRecord {
    const v = plan.view;
    const event =
      v?.kind === 'update'
        ? { type: v.escalate ? 'update.missed.escalated' : 'update.missed', actor: null, data: { missed: v.missed, dueAt: job.dueAt.toISOString() } }
        : v?.kind === 'triage'
          ? { type: 'triage.reminder', actor: null, data: { openSteps: v.openSteps.length } }
          : null;
    const escalation = v?.kind === 'update' && v.escalate ? [{ kind: ESCALATION_JOB, dueAt: job.dueAt, data: { missed: v.missed } }] : [];
    return {
      ws,
      incidentId: job.incidentId,
      complete: { jobId: job.id, owner, outcome: plan.outcome },
      ...(plan.missed === null ? {} : { patch: { updatesMissed: plan.missed } }),
      schedule: [...(plan.next ? [plan.next] : []), ...escalation],
      events: event ? [event] : [],
    };
  }

  private async inRoom<T>(ws: Workspace, roomId: string, now: Date, decide: (s: IncidentState) => Change<T>) {
    const out = await this.deps.repo.changeInRoom(ws, roomId, now, decide);
    if (!out) throw incidentNotFound();
    return out;
  }
}
