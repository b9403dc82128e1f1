// Platform-neutral views of status updates (§7.1) and of the reminders that ask for them.
import type { Severity } from '../incidents/model.js';

export type UpdateFields = {
  changed: string;
  impact: string;
  mitigation: string;
  mitigationDetail: string;
  nextActions: string;
  owner: string;
};

export type UpdateView = UpdateFields & { number: number; title: string; severity: Severity; author: string; at: Date; nextDueAt: Date | null };

export type ReminderView =
  | {
      kind: 'update';
      incidentId: string;
      number: number;
      title: string;
      severity: Severity;
      /** Who is asked: the IC, or Ops when there is no IC. */
      mention: string;
      /** Reminders in a row without an update, this one included. */
      missed: number;
      /** Past the runbook's patience: also goes to the commanders' channel. */
      escalate: boolean;
      lastUpdateAt: Date | null;
      fields: string[];
    }
  | { kind: 'triage'; incidentId: string; number: number; title: string; mention: string; openSteps: string[] }
  | { kind: 'postmortem'; incidentId: string; number: number; title: string; mention: string; hours: number; overdue: boolean; missing: string[] }
  | { kind: 'setup'; incidentId: string }
  | { kind: 'action'; incidentId: string; requestId: string }
  | { kind: 'lift'; incidentId: string; requestId: string }
  | { kind: 'expire'; incidentId: string; requestId: string; lift: boolean }
  | { kind: 'escalation'; incidentId: string; number: number; title: string; severity: Severity; mention: string; missed: number }
  | { kind: 'followup'; incidentId: string; number: number; title: string; mention: string; seq: number; action: string };
