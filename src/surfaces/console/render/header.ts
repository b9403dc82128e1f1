// The incident header, pinned at the top of its room: severity in its colour, status, scope, who holds
// each role (with Take role where nobody does), what is in force, and when the next update is due.
import type { HeaderView } from '../../../core/views/incident.js';
import { utc } from '../../../core/views/text.js';
import { actButton, buttonRow, formButton, liftButton } from './controls.js';
import { html, type Html } from './html.js';
import { mention, rich, type Names } from './rich.js';

export const severityBadge = (severity: string): Html => html`<span class="sev sev-${severity.toLowerCase()}">${severity}</span>`;

const list = (items: readonly string[]) => (items.length ? items.join(', ') : html`<em class="muted">none given</em>`);

function fact(label: string, value: Html | string): Html {
  return html`<div class="fact"><dt>${label}</dt><dd>${value}</dd></div>`;
}

export function headerHtml(v: HeaderView, names: Names): Html {
  const roles = v.roles.map(
    (r) => html`<li class="role" data-role="${r.role}">
      <span class="role-name">${r.name}${r.required ? '' : ' (optional)'}</span>
      ${r.userId ? mention(names, r.userId) : html`<em class="muted">unfilled</em> ${actButton('Take role', 'take-role', { incidentId: v.incidentId, role: r.role })}`}
    </li>`,
  );
  const inForce = v.inForce.map(
    (f) => html`<li class="in-force">🔒 In force: ${rich(f.text, names)} ${liftButton(f.control, f.lift, { requestId: f.requestId, incidentId: v.incidentId })}</li>`,
  );
  return html`<section class="card header sev-border-${v.severity.toLowerCase()}" data-incident="${v.incidentId}">
    <h2>${v.drill ? html`<span class="drill">DRILL</span> ` : ''}${severityBadge(v.severity)} #${v.number} ${v.title} <span class="status status-${v.status.split(' ')[0]}">${v.status}</span></h2>
    <p class="muted">${v.severity}: ${v.severityDefinition}</p>
    <dl class="facts">
      ${fact('Affected areas', list(v.areas))}
      ${fact('Integrity or isolation uncertain', v.integrityUncertain ? 'Yes' : 'No')}
      ${fact('Tenants', list(v.tenants))}
      ${fact('Channels', list(v.channels))}
      ${fact('Environments', list(v.environments))}
    </dl>
    <ul class="roles">${roles}</ul>
    ${inForce.length ? html`<ul class="in-force-list">${inForce}</ul>` : ''}
    <p class="due">Last update: ${v.lastUpdateAt ? utc(v.lastUpdateAt) : 'none yet'} · Next due: <strong>${v.nextUpdateDueAt ? utc(v.nextUpdateDueAt) : 'as needed'}</strong></p>
    ${buttonRow([formButton('Post update', 'update', { incidentId: v.incidentId }, 'primary')])}
    <p class="muted small">Declared by ${mention(names, v.declaredBy)} at ${utc(v.declaredAt)} · type <code class="command" data-command="/incident help">help</code> for commands</p>
  </section>`;
}
