// The console's forms, one per intent that needs words: declare, skip a step, post an update, request
// an action, add a corrective action, write the postmortem, draft an external update. Field names are
// the intents' own, and each field carries `data-field` so an error lands beside it.
import type { ActionEntry, Prefill } from '../../../core/actions/catalog.js';
import type { PostmortemFields } from '../../../core/incidents/model.js';
import type { DeclareFormView } from '../../../core/views/incident.js';
import type { Person } from '../people.js';
import type { FormName } from './controls.js';
import { html, json, type Html } from './html.js';

type Field = { name: string; label: string; hint?: string; optional?: boolean };

function field(f: Field, control: Html): Html {
  return html`<label class="field" data-field="${f.name}"><span>${f.label}${f.optional ? html` <span class="hint">(optional)</span>` : ''}${f.hint ? html` <span class="hint">${f.hint}</span>` : ''}</span>${control}</label>`;
}

const text = (f: Field & { value?: string; max?: number }) => field(f, html`<input type="text" name="${f.name}" value="${f.value ?? ''}" maxlength="${f.max ?? 2000}" ${f.optional ? '' : 'required'}>`);
const area = (f: Field & { value?: string }) => field(f, html`<textarea name="${f.name}" maxlength="3000" ${f.optional ? '' : 'required'}>${f.value ?? ''}</textarea>`);

const select = (f: Field & { options: { value: string; label: string }[]; value?: string; placeholder?: string }) =>
  field(
    f,
    html`<select name="${f.name}" ${f.optional ? '' : 'required'}>
      ${f.placeholder !== undefined ? html`<option value="">${f.placeholder}</option>` : ''}
      ${f.options.map((o) => html`<option value="${o.value}" ${o.value === f.value ? 'selected' : ''}>${o.label}</option>`)}
    </select>`,
  );

const checkboxes = (f: Field & { options: { value: string; label: string; checked?: boolean }[] }) =>
  field(f, html`${f.options.map((o) => html`<label class="choice"><input type="checkbox" name="${f.name}" value="${o.value}" ${o.checked ? 'checked' : ''}> ${o.label}</label>`)}`);

const personSelect = (f: Field, people: readonly Person[], value: string) => select({ ...f, options: people.map((p) => ({ value: p.id, label: p.name })), value });

function form(name: FormName, args: Record<string, string>, title: string, submit: string, body: Html[]): Html {
  return html`<form data-form="${name}" data-args="${json(args)}">
    <h3>${title}</h3>
    ${body}
    <div class="form-actions"><button type="button" class="btn" data-close>Cancel</button><button type="submit" class="btn primary">${submit}</button></div>
  </form>`;
}

export function declareForm(v: DeclareFormView, people: readonly Person[], asker: string): Html {
  return form('declare', {}, 'Declare an incident', 'Declare', [
    text({ name: 'title', label: 'Title', hint: 'What is broken, in a few words.', value: v.title, max: 150 }),
    field(
      { name: 'severity', label: 'Severity (runbook §4)' },
      html`${v.severities.map((s) => html`<label class="choice"><input type="radio" name="severity" value="${s.value}" required> <strong>${s.value}</strong>: ${s.definition}</label>`)}`,
    ),
    select({ name: 'symptom', label: 'Symptom (runbook §10)', hint: 'Attaches the matching §6 playbook at once.', optional: true, placeholder: 'What are you seeing?', options: v.symptoms.map((s) => ({ value: s.value, label: s.label })) }),
    checkboxes({ name: 'areas', label: 'Affected areas (runbook §1)', optional: true, options: v.areas.map((a) => ({ value: a.value, label: `${a.label}: ${a.detail}` })) }),
    text({ name: 'tenants', label: 'Impacted tenants', hint: 'Comma-separated, for example acme, globex.', optional: true }),
    text({ name: 'channels', label: 'Impacted channels', hint: 'Comma-separated release channels.', optional: true }),
    text({ name: 'environments', label: 'Impacted environments', hint: 'Comma-separated, for example prod-eu, staging.', optional: true }),
    checkboxes({ name: 'integrityUncertain', label: 'Integrity or isolation', optional: true, options: [{ value: 'yes', label: 'Integrity or isolation is uncertain (requires SEV0 or SEV1, runbook §4)' }] }),
    personSelect({ name: 'commander', label: 'Incident Commander', hint: 'Defaults to you.' }, people, asker),
    html`<p class="muted small">${v.floorNote}</p>`,
  ]);
}

export function skipForm(args: { incidentId: string; itemId: string }, stepText: string): Html {
  return form('skip', args, 'Skip a step', 'Skip', [
    html`<p><strong>Step:</strong> ${stepText}</p>`,
    area({ name: 'reason', label: 'Why is this step skipped?', hint: 'Shown in the checklist and recorded in the timeline.' }),
    checkboxes({ name: 'na', label: 'Not applicable', optional: true, options: [{ value: 'yes', label: 'Not applicable to this incident' }] }),
  ]);
}

export function updateForm(args: { incidentId?: string }, mitigationOptions: readonly string[], people: readonly Person[], asker: string): Html {
  return form('update', args, 'Post an update (§7.1)', 'Post', [
    area({ name: 'changed', label: 'What changed since the last update', hint: 'Facts only; no root-cause speculation until verified.' }),
    area({ name: 'impact', label: 'Current impact / scope', hint: 'Tenants, channels, environments affected now.' }),
    select({ name: 'mitigation', label: 'Mitigation status', placeholder: 'Pick one', options: mitigationOptions.map((o) => ({ value: o, label: o })) }),
    text({ name: 'mitigationDetail', label: 'Mitigation detail', optional: true }),
    area({ name: 'nextActions', label: 'Next actions', hint: 'What happens next.' }),
    personSelect({ name: 'owner', label: 'Owner of the next actions' }, people, asker),
  ]);
}

export function actionForm(args: { incidentId?: string; actionId: string }, action: Pick<ActionEntry, 'title' | 'refs' | 'parameters' | 'destructive'>, prefill: Record<string, Prefill>): Html {
  const params = action.parameters.map((p) => {
    const pre = prefill[p.name];
    const hint = pre?.options.length ? `Impacted: ${pre.options.join(', ')}` : p.multiple ? 'Comma-separated.' : undefined;
    const f = { name: `param.${p.name}`, label: p.label, optional: !p.required, ...(hint ? { hint } : {}) };
    if (p.type === 'enum') return select({ ...f, placeholder: 'Pick one', options: (p.values ?? []).map((v) => ({ value: v, label: v })) });
    return text({ ...f, value: Array.isArray(pre?.value) ? pre.value.join(', ') : pre?.value, max: 200 });
  });
  const override = action.destructive
    ? [area({ name: 'override', label: 'Evidence override (IC only)', optional: true, hint: 'Only if §5.3 snapshot steps are still open: why this cannot wait. Recorded in the timeline.' })]
    : [];
  return form('action', args, 'Request a containment action', 'Request', [html`<p><strong>${action.title}</strong> (§${action.refs.join(', §')})</p>`, ...params, ...override]);
}

export function followupForm(args: { incidentId?: string }, people: readonly Person[], asker: string): Html {
  return form('followup', args, 'Add a corrective action (§9.2)', 'Add', [
    text({ name: 'title', label: 'Action', max: 200 }),
    personSelect({ name: 'owner', label: 'Owner' }, people, asker),
    field({ name: 'dueOn', label: 'Deadline' }, html`<input type="date" name="dueOn" required>`),
  ]);
}

export function postmortemForm(args: { incidentId?: string }, current: PostmortemFields | null): Html {
  return form('postmortem', args, 'Postmortem (§9.1)', 'Save', [
    area({ name: 'rootCauseTechnical', label: 'Root cause: technical', optional: true, value: current?.rootCauseTechnical }),
    area({ name: 'rootCauseProcess', label: 'Root cause: process', optional: true, value: current?.rootCauseProcess }),
    area({ name: 'whatWorked', label: 'What worked', optional: true, value: current?.whatWorked }),
    area({ name: 'whatDidNot', label: "What didn't", optional: true, value: current?.whatDidNot }),
    checkboxes({ name: 'rootCauseVerified', label: 'Verification', optional: true, options: [{ value: 'yes', label: 'The root cause is verified', checked: current?.rootCauseVerified ?? false }] }),
  ]);
}

export function externalForm(args: { incidentId?: string }): Html {
  return form('external', args, 'External update (§7.2)', 'Draft', [area({ name: 'customerImpact', label: 'Customer impact' }), area({ name: 'nextSteps', label: 'Next steps' })]);
}
