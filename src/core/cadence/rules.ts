// Due-time rules for status updates. Pure: the time comes in, a time goes out.
import type { IncidentState, Severity, Status } from '../incidents/model.js';
import type { Change, NewJob } from '../ports.js';
import type { Cadence } from './schema.js';

export const MINUTE = 60_000;

export const UPDATE_JOB = 'update.reminder';
export const TRIAGE_JOB = 'triage.reminder';
export const POSTMORTEM_REMINDER_JOB = 'postmortem.reminder';
export const POSTMORTEM_OVERDUE_JOB = 'postmortem.overdue';
export const POSTMORTEM_JOBS = [POSTMORTEM_REMINDER_JOB, POSTMORTEM_OVERDUE_JOB];
export const FOLLOWUP_JOB = 'followup.due';
/** The commanders' channel hears of a run of missed updates through a job of its own, so a failure there never repeats the room's reminder. */
export const ESCALATION_JOB = 'update.escalation';
/**
 * A safety net for the channel set-up that runs right after a declaration: if the process dies
 * before it finishes, the scheduler finishes it. A completed set-up cancels the job.
 */
export const SETUP_JOB = 'room.setup';
/** An approved §6 action waiting to run. */
export const ACTION_JOB = 'action.execute';
/** A freeze, pause or hold whose lift waits to be carried out by its executor. */
export const LIFT_JOB = 'action.lift';
/** A request (or a lift) awaiting its second person reaches its deadline: it expires by itself. */
export const EXPIRE_JOB = 'action.expire';
const SETUP_GRACE = 2 * MINUTE;

const HOUR = 60 * MINUTE;

/** Statuses that still owe updates; resolved and closed incidents get no reminders. */
export const OPEN_STATUSES: ReadonlySet<Status> = new Set(['declared', 'investigating', 'mitigated']);

/** The cadence of a severity in milliseconds, or null when updates are "as needed". */
export function updateEvery(cadence: Cadence, severity: Severity): number | null {
  const m = cadence.updateEveryMinutes[severity];
  return m === null ? null : m * MINUTE;
}

/** The next update is due one cadence after the last update (or the declaration). */
export function updateDue(cadence: Cadence, severity: Severity, since: Date): Date | null {
  const every = updateEvery(cadence, severity);
  return every === null ? null : new Date(since.getTime() + every);
}

/**
 * After a reminder that was due at `due`, the next one: one cadence later, on the same grid, but
 * never in the past. A bot that was down for an hour posts one overdue reminder, not four.
 */
export function nextReminder(due: Date, every: number, now: Date): Date {
  const missed = Math.max(0, Math.floor((now.getTime() - due.getTime()) / every));
  return new Date(due.getTime() + (missed + 1) * every);
}

/** The jobs a new incident starts with: its first update reminder and the §5 triage reminder. */
export function firstJobs(cadence: Cadence, severity: Severity, declaredAt: Date): NewJob[] {
  const first = updateDue(cadence, severity, declaredAt);
  return [
    { kind: SETUP_JOB, dueAt: new Date(declaredAt.getTime() + SETUP_GRACE) },
    ...(first ? [{ kind: UPDATE_JOB, dueAt: first }] : []),
    { kind: TRIAGE_JOB, dueAt: new Date(declaredAt.getTime() + cadence.triageReminderMinutes * MINUTE) },
  ];
}

/**
 * After a severity change the reminder follows the new cadence at once, counted from the last
 * update: raising to SEV1 forty minutes after the last update makes the reminder due now.
 */
export function rescheduleUpdate(cadence: Cadence, s: IncidentState, severity: Severity): Pick<Change<unknown>, 'cancel' | 'schedule'> {
  const due = updateDue(cadence, severity, s.incident.lastUpdateAt ?? s.incident.declaredAt);
  return { cancel: [UPDATE_JOB], schedule: due && OPEN_STATUSES.has(s.incident.status) ? [{ kind: UPDATE_JOB, dueAt: due }] : [] };
}

/** §9: the packet is due within 72 hours of resolution; the IC is reminded at 24 h and 48 h. */
export function postmortemJobs(resolvedAt: Date): NewJob[] {
  const at = (h: number) => new Date(resolvedAt.getTime() + h * HOUR);
  return [
    { kind: POSTMORTEM_REMINDER_JOB, dueAt: at(24), data: { hours: 24 } },
    { kind: POSTMORTEM_REMINDER_JOB, dueAt: at(48), data: { hours: 48 } },
    { kind: POSTMORTEM_OVERDUE_JOB, dueAt: at(72), data: { hours: 72 } },
  ];
}
