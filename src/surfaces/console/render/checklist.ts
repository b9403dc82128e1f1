// A runbook checklist as one console card: a progress bar, each section with its own count, each step
// with its state, owner and who settled it, and the buttons that apply (Done and Skip while open, Undo
// once settled, Run where the step is a containment action).
import type { ItemStatus } from '../../../core/checklists/state.js';
import type { ChecklistItemView, ChecklistView } from '../../../core/views/checklist.js';
import { utc } from '../../../core/views/text.js';
import { actButton, buttonRow, formButton } from './controls.js';
import { html, type Html } from './html.js';
import { mention, type Names } from './rich.js';

const MARKS: Record<ItemStatus, string> = { open: '☐', done: '✅', skipped: '⏭️', na: '➖' };
const VERBS: Record<Exclude<ItemStatus, 'open'>, string> = { done: 'Done', skipped: 'Skipped', na: 'Not applicable' };

export function checklistTitle(view: Pick<ChecklistView, 'kind' | 'ref' | 'title'>): string {
  return view.kind === 'playbook' ? `Playbook ${view.ref}: ${view.title}` : `${view.title} (§${view.ref})`;
}

const percent = (settled: number, total: number) => (total === 0 ? 100 : Math.round((settled / total) * 100));

function progressBar(settled: number, total: number): Html {
  return html`<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="${total}" aria-valuenow="${settled}">
    <div class="progress-fill" style="width: ${percent(settled, total)}%"></div>
  </div>`;
}

function detail(item: ChecklistItemView, names: Names): Html {
  if (item.state === 'open' || item.by === null || item.at === null) return html``;
  return html`<div class="detail">${VERBS[item.state]} by ${mention(names, item.by)} at ${utc(item.at)}${item.reason ? html`: <q>${item.reason}</q>` : ''}</div>`;
}

function itemHtml(item: ChecklistItemView, incidentId: string, names: Names): Html {
  const args = { incidentId, itemId: item.id };
  const buttons =
    item.state === 'open'
      ? [actButton('Done', 'step', { ...args, verb: 'done' }, 'primary'), formButton('Skip', 'skip', args)]
      : [actButton('Undo', 'step', { ...args, verb: 'undo' })];
  if (item.action) buttons.push(formButton('Run', 'action', { incidentId, actionId: item.action }));
  return html`<li class="item item-${item.state}" data-item="${item.id}">
    <span class="mark" title="${item.stateLabel}">${MARKS[item.state]}</span>
    <div class="item-body">
      <div class="item-text">${item.text}${item.ownerName ? html` <span class="owner">${item.ownerName}</span>` : ''}</div>
      ${detail(item, names)}
    </div>
    ${buttonRow(buttons)}
  </li>`;
}

export function checklistHtml(view: ChecklistView, incidentId: string, names: Names): Html {
  const sections = view.sections.map(
    (s) => html`<section class="section" data-section="${s.id}">
      <h4>${s.ref ? `${s.ref} ` : ''}${s.title} <span class="count">${s.progress}</span></h4>
      ${s.note ? html`<p class="muted">${s.note}</p>` : ''}
      <ul class="items">${s.items.map((i) => itemHtml(i, incidentId, names))}</ul>
    </section>`,
  );
  return html`<section class="card checklist" data-checklist="${view.id}">
    <h3>${checklistTitle(view)} <span class="count">${view.progress} settled</span></h3>
    ${progressBar(view.settled, view.total)}
    ${view.goal ? html`<p><strong>Goal:</strong> ${view.goal}</p>` : ''}
    ${view.escalation ? html`<p class="warn">⚠️ <strong>Calls for ${view.escalation.severity} or higher.</strong> ${view.escalation.when}</p>` : ''}
    ${sections}
  </section>`;
}
