// The bot's dialogs (task modules) as Adaptive Card forms, with the same fields as Slack's modals:
// declare, status update, skip a step, containment action request, corrective action, postmortem
// sections, external update. A form carries its target (incident, step, action) in its submit
// data; those are claims, checked by src/app against the stored incident of the room.
import type { ActionEntry, Prefill } from '../../../core/actions/catalog.js';
import { REASON_MAX } from '../../../core/checklists/state.js';
import type { PostmortemFields } from '../../../core/incidents/model.js';
import type { DeclareFormView } from '../../../core/views/incident.js';
import { card, clip, escapeText, small, textBlock, type Card, type Element } from './card.js';

type Choice = { title: string; value: string };

export type Field = {
  id: string;
  label: string;
  kind: 'text' | 'multiline' | 'choice' | 'multichoice' | 'toggle' | 'date' | 'person';
  required?: boolean;
  choices?: Choice[];
  hint?: string;
  max?: number;
  value?: string;
};

export type Form = {
  /** Which form: what the submission is routed by. */
  form: string;
  title: string;
  submit: string;
  fields: Field[];
  notes?: string[];
  /** The target the submission acts on (claims). */
  data: Record<string, string>;
};

/** The person picker starts at the person filling the form, and can search the organisation. */
export type Self = { id: string; name: string };

function input(f: Field, value: string | undefined): Element {
  const common = { id: f.id, label: f.label, isRequired: f.required ?? false, ...(f.required ? { errorMessage: `${f.label} is required.` } : {}) };
  const v = value ?? f.value;
  switch (f.kind) {
    case 'text':
    case 'multiline':
      return { type: 'Input.Text', ...common, isMultiline: f.kind === 'multiline', maxLength: f.max ?? 2000, ...(f.hint ? { placeholder: f.hint } : {}), ...(v ? { value: v } : {}) };
    case 'choice':
    case 'multichoice':
      return { type: 'Input.ChoiceSet', ...common, isMultiSelect: f.kind === 'multichoice', style: f.kind === 'multichoice' ? 'expanded' : 'compact', choices: f.choices ?? [], ...(v ? { value: v } : {}) };
    case 'toggle':
      return { type: 'Input.Toggle', ...common, title: f.hint ?? f.label, valueOn: 'yes', valueOff: 'no', ...(v ? { value: v } : {}) };
    case 'date':
      return { type: 'Input.Date', ...common, ...(v ? { value: v } : {}) };
    case 'person':
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'filtered',
        choices: f.choices ?? [],
        'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
        ...(v ? { value: v } : {}),
      };
  }
}

/** The form as a card; after a refused submission, with what was typed and the reason on top. */
export function formCard(f: Form, submitted: Record<string, unknown> = {}, error?: string): Card {
  const body: Element[] = [
    ...(error ? [textBlock(`⛔ ${escapeText(error)}`, { color: 'Attention', weight: 'Bolder' })] : []),
    ...f.fields.map((field) => {
      const v = submitted[field.id];
      return input(field, typeof v === 'string' ? v : undefined);
    }),
    ...(f.notes ?? []).map((n) => small(escapeText(n))),
  ];
  return card(body, [], [{ type: 'Action.Submit', title: f.submit, data: { form: f.form, ...f.data } }]);
}

/** The task/fetch (or refused task/submit) answer that shows the form in a dialog. */
export const dialog = (f: Form, submitted?: Record<string, unknown>, error?: string) => ({
  task: { type: 'continue', value: { title: f.title, width: 'medium', height: 'large', card: { contentType: 'application/vnd.microsoft.card.adaptive', content: formCard(f, submitted, error) } } },
});

/** What a submission's inputs say, as strings (a multi-select is comma-separated by Teams). */
export function readForm(f: Form, value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(f.fields.map((field) => [field.id, typeof value[field.id] === 'string' ? (value[field.id] as string).trim() : '']));
}

export const picked = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

const personField = (id: string, label: string, self: Self, hint?: string): Field => ({ id, label, kind: 'person', required: true, choices: [{ title: self.name, value: self.id }], value: self.id, ...(hint ? { hint } : {}) });

export function declareForm(v: DeclareFormView, self: Self, origin: string): Form {
  return {
    form: 'declare',
    title: 'Declare an incident',
    submit: 'Declare',
    data: { origin },
    fields: [
      { id: 'title', label: 'Title', kind: 'text', required: true, max: 150, hint: 'What is broken, in a few words.', value: clip(v.title, 150) },
      { id: 'severity', label: 'Severity (runbook §4)', kind: 'choice', required: true, choices: v.severities.map((s) => ({ title: `${s.value}: ${s.definition}`, value: s.value })) },
      { id: 'symptom', label: 'Symptom (runbook §10): attaches the matching §6 playbook right away', kind: 'choice', choices: v.symptoms.map((s) => ({ title: s.label, value: s.value })) },
      { id: 'areas', label: 'Affected areas (runbook §1)', kind: 'multichoice', choices: v.areas.map((a) => ({ title: `${a.label}: ${a.detail}`, value: a.value })) },
      { id: 'tenants', label: 'Impacted tenants', kind: 'text', hint: 'Comma-separated, for example acme, globex.' },
      { id: 'channels', label: 'Impacted channels', kind: 'text', hint: 'Comma-separated release channels.' },
      { id: 'environments', label: 'Impacted environments', kind: 'text', hint: 'Comma-separated, for example prod-eu, staging.' },
      { id: 'integrityUncertain', label: 'Integrity or isolation', kind: 'toggle', hint: 'Integrity or isolation is uncertain (requires SEV0 or SEV1, runbook §4)' },
      personField('commander', 'Incident Commander (defaults to you)', self),
    ],
    notes: [v.floorNote],
  };
}

export function updateForm(incidentId: string, mitigationOptions: string[], self: Self): Form {
  return {
    form: 'update',
    title: 'Post an update',
    submit: 'Post',
    data: { incidentId },
    fields: [
      { id: 'changed', label: 'What changed since the last update', kind: 'multiline', required: true, hint: 'Facts only; avoid root-cause speculation until verified.' },
      { id: 'impact', label: 'Current impact / scope', kind: 'multiline', required: true, hint: 'Tenants, channels, environments affected now.' },
      { id: 'mitigation', label: 'Mitigation status', kind: 'choice', required: true, choices: mitigationOptions.map((o) => ({ title: o, value: o })) },
      { id: 'mitigationDetail', label: 'Mitigation detail', kind: 'text' },
      { id: 'nextActions', label: 'Next actions', kind: 'multiline', required: true, hint: 'What happens next.' },
      personField('owner', 'Owner of the next actions', self),
    ],
  };
}

export function skipForm(incidentId: string, itemId: string, itemText: string): Form {
  return {
    form: 'skip',
    title: 'Skip a step',
    submit: 'Skip',
    data: { incidentId, itemId },
    fields: [
      { id: 'reason', label: 'Why is this step skipped?', kind: 'multiline', required: true, max: REASON_MAX, hint: 'Shown in the checklist and recorded in the timeline.' },
      { id: 'na', label: 'Not applicable', kind: 'toggle', hint: 'Not applicable to this incident' },
    ],
    notes: [`Step: ${itemText}`],
  };
}

export function actionForm(action: ActionEntry, prefill: Record<string, Prefill>, incidentId: string): Form {
  const fields: Field[] = action.parameters.map((p) => {
    const pre = prefill[p.name];
    const value = Array.isArray(pre?.value) ? pre.value.join(', ') : pre?.value;
    const hint = pre?.options.length ? `Impacted: ${pre.options.join(', ')}` : p.multiple ? 'Comma-separated.' : undefined;
    return p.type === 'enum'
      ? { id: `param:${p.name}`, label: p.label, kind: 'choice', required: p.required, choices: (p.values ?? []).map((v) => ({ title: v, value: v })), ...(value ? { value } : {}) }
      : { id: `param:${p.name}`, label: p.label, kind: 'text', required: p.required, max: 200, ...(hint ? { hint } : {}), ...(value ? { value } : {}) };
  });
  if (action.destructive) {
    fields.push({ id: 'override', label: 'Evidence override (IC only)', kind: 'multiline', max: 500, hint: 'Only if §5.3 snapshot steps are still open: why this cannot wait. Recorded in the timeline.' });
  }
  return { form: 'action', title: 'Containment action', submit: 'Request', data: { incidentId, actionId: action.id }, fields, notes: [`${action.title} (§${action.refs.join(', §')})`] };
}

/** The parameters and the override of a submitted action form, as the core takes them. */
export function readActionForm(action: ActionEntry, values: Record<string, string>) {
  const params: Record<string, string | string[] | undefined> = {};
  for (const p of action.parameters) {
    const raw = values[`param:${p.name}`] || undefined;
    params[p.name] = raw && p.multiple ? picked(raw) : raw;
  }
  return { params, override: values.override || undefined };
}

export function postmortemForm(current: PostmortemFields | null): Form {
  const text = (id: keyof PostmortemFields, label: string): Field => ({ id, label, kind: 'multiline', max: 3000, ...(current && typeof current[id] === 'string' && current[id] ? { value: current[id] } : {}) });
  return {
    form: 'postmortem',
    title: 'Postmortem (§9.1)',
    submit: 'Save',
    data: {},
    fields: [
      text('rootCauseTechnical', 'Root cause: technical'),
      text('rootCauseProcess', 'Root cause: process'),
      text('whatWorked', 'What worked'),
      text('whatDidNot', "What didn't"),
      { id: 'rootCauseVerified', label: 'Verification', kind: 'toggle', hint: 'The root cause is verified', ...(current?.rootCauseVerified ? { value: 'yes' } : {}) },
    ],
  };
}

export function followupForm(self: Self): Form {
  return {
    form: 'followup',
    title: 'Corrective action',
    submit: 'Add',
    data: {},
    fields: [{ id: 'title', label: 'Action', kind: 'text', required: true, max: 3000 }, personField('owner', 'Owner', self), { id: 'dueOn', label: 'Deadline', kind: 'date', required: true }],
  };
}

export function externalForm(): Form {
  return {
    form: 'external',
    title: 'External update',
    submit: 'Draft',
    data: {},
    fields: [
      { id: 'customerImpact', label: 'Customer impact', kind: 'multiline', required: true, max: 3000 },
      { id: 'nextSteps', label: 'Next steps', kind: 'multiline', required: true, max: 3000 },
    ],
  };
}
