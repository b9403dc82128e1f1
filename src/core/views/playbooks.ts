// The §6 playbooks as the playbook list shows them: each with its §10 symptoms, attached ones marked.
import type { Severity } from '../incidents/model.js';
import type { Runbook } from '../runbook/checklists.js';

export type PlaybookLine = {
  id: string;
  ref: string;
  title: string;
  goal: string;
  /** §10 symptoms that point at it, and those that draw on it too. */
  symptoms: string[];
  alsoFor: string[];
  attached: boolean;
  /** The severity the playbook calls for, when it calls for one. */
  escalatesTo: Severity | null;
};

export function playbookLines(runbook: Runbook, attached: readonly string[]): PlaybookLine[] {
  const symptoms = runbook.quickReference.symptoms;
  return runbook.playbooks.map((p) => ({
    id: p.id,
    ref: p.ref,
    title: p.title,
    goal: p.goal,
    symptoms: symptoms.filter((x) => x.playbook === p.id).map((x) => x.symptom),
    alsoFor: symptoms.filter((x) => x.also?.includes(p.id)).map((x) => x.symptom),
    attached: attached.includes(p.id),
    escalatesTo: p.escalation?.severity ?? null,
  }));
}
