// Every other view the application layer posts or tells: updates, reminders, escalations, the §6
// playbooks and actions, requests awaiting approval, set-up reports. Pure: a ChatView in, HTML out.
import type { ChatView } from '../../../app/chat-port.js';
import type { UpdateView } from '../../../core/views/cadence.js';
import { utc } from '../../../core/views/text.js';
import { actButton, buttonRow, formButton, liftButton } from './controls.js';
import { checklistHtml } from './checklist.js';
import { headerHtml, severityBadge } from './header.js';
import { html, type Html } from './html.js';
import { mention, rich, roomLink, type Names } from './rich.js';

type View<K extends ChatView['kind']> = Extract<ChatView, { kind: K }>;

const card = (cls: string, body: Html): Html => html`<section class="card ${cls}">${body}</section>`;

function updateHtml(u: UpdateView, names: Names): Html {
  const mitigation = u.mitigationDetail ? `${u.mitigation}: ${u.mitigationDetail}` : u.mitigation;
  return card(
    'update',
    html`<h3>📣 Update: #${u.number} ${u.title} ${severityBadge(u.severity)}</h3>
      <dl class="fields">
        <dt>What changed</dt><dd>${u.changed}</dd>
        <dt>Impact / scope</dt><dd>${u.impact}</dd>
        <dt>Mitigation</dt><dd>${mitigation}</dd>
        <dt>Next actions (owner ${mention(names, u.owner)})</dt><dd>${u.nextActions}</dd>
      </dl>
      <p class="muted small">Posted by ${mention(names, u.author)} at ${utc(u.at)}${u.nextDueAt ? ` · next update due ${utc(u.nextDueAt)}` : ''}</p>`,
  );
}

function reminderHtml(r: View<'reminder'>['view'], names: Names): Html {
  const who = mention(names, r.mention);
  switch (r.kind) {
    case 'triage':
      return card(
        'reminder',
        html`<p>⏰ ${who} Ten minutes into incident #${r.number}: ${r.openSteps.length} triage step(s) still open.</p>
          <ul>${r.openSteps.map((s) => html`<li>${s}</li>`)}</ul>`,
      );
    case 'postmortem':
      return card(
        'reminder',
        html`<p>⏰ ${who} Incident #${r.number}: ${r.overdue ? '⚠️ the postmortem packet is overdue (72 h after resolution, runbook §9).' : `${r.hours} h since resolution: the postmortem packet is due within 72 h (runbook §9).`}
          Still missing: ${r.missing.join(', ')}.</p>
          ${buttonRow([formButton('Write the postmortem', 'postmortem', { incidentId: r.incidentId }), formButton('Add a corrective action', 'followup', { incidentId: r.incidentId })])}`,
      );
    case 'followup':
      return card('reminder', html`<p>⏰ ${who} Corrective action #${r.seq} of incident #${r.number} is due today: ${r.action}. Type <code class="command" data-command="/incident followup done ${r.seq}">/incident followup done ${r.seq}</code> when it is.</p>`);
    case 'update': {
      const since = r.lastUpdateAt ? `the last update was at ${utc(r.lastUpdateAt)}` : 'no update has been posted yet';
      return card(
        `reminder${r.escalate ? ' escalated' : ''}`,
        html`<p>${r.escalate ? '🚨' : '⏰'} ${who} A status update on incident #${r.number} ${severityBadge(r.severity)} is due; ${since}.${r.missed > 1 ? ` This is reminder ${r.missed} in a row.` : ''}</p>
          <p class="muted">Each update says: ${r.fields.join(' · ')}.</p>
          ${buttonRow([formButton('Post update', 'update', { incidentId: r.incidentId }, 'primary'), actButton('Snooze 5 min', 'snooze', { incidentId: r.incidentId })])}`,
      );
    }
  }
}

function raiseHtml(v: View<'raise'>): Html {
  const order = ['SEV4', 'SEV3', 'SEV2', 'SEV1', 'SEV0'];
  // The severity the playbook asks for, and each one above it, lowest first.
  const targets = order.slice(order.indexOf(v.severity));
  const buttons = v.done ? [] : targets.map((s, i) => actButton(`Raise to ${s}`, 'raise', { incidentId: v.incidentId, severity: s }, i === 0 ? 'primary' : 'plain'));
  return card(
    'raise',
    html`<p>⚠️ Incident #${v.number} is ${severityBadge(v.current)}; playbook ${v.playbook} calls for ${v.severity} or higher.</p>
      <blockquote>${v.when}</blockquote>
      ${v.done ? html`<p class="muted">Settled.</p>` : html`<p>Incident Commander: raise the severity?</p>`}
      ${buttonRow(buttons)}`,
  );
}

function playbooksHtml(v: View<'playbooks'>): Html {
  const rows = v.playbooks.map(
    (p) => html`<li class="playbook">
      <div><strong>${p.ref} ${p.title}</strong>${p.attached ? ' · ✅ attached' : ''}</div>
      <div class="muted">Goal: ${p.goal}</div>
      ${p.symptoms.length ? html`<div class="muted">Symptoms (§10): ${p.symptoms.map((s) => `“${s}”`).join(', ')}</div>` : ''}
      ${p.alsoFor.length ? html`<div class="muted">Also drawn on for: ${p.alsoFor.map((s) => `“${s}”`).join(', ')}</div>` : ''}
      ${p.escalatesTo ? html`<div class="warn">⚠️ Calls for ${p.escalatesTo} or higher.</div>` : ''}
      ${p.attached ? '' : buttonRow([actButton('Attach', 'attach', { incidentId: v.incidentId, playbookId: p.id })])}
    </li>`,
  );
  return card('playbooks', html`<h3>Runbook playbooks (§6)</h3><p class="muted">Attach the playbook that matches the symptom; each posts its own checklist here.</p><ul class="plain">${rows}</ul>`);
}

function actionsHtml(v: View<'actions'>, names: Names): Html {
  const awaiting = v.awaiting.map((l) => html`<li>Awaiting approval: ${rich(l.text, names)} ${actButton('Approve', 'approve', { requestId: l.request.id }, 'primary')}</li>`);
  const inForce = v.inForce.map(
    (l) => html`<li>In force: ${rich(l.text, names)}${l.liftFailed ? html` <span class="warn">(the last lift failed)</span>` : ''} ${liftButton(l.control, l.lift, { requestId: l.request.id })}</li>`,
  );
  const catalog = v.catalog.map((a) => html`<li><strong>${a.title}</strong> <span class="muted">(§${a.refs.join(', §')})${a.destructive ? ' · destructive' : ''}</span> ${formButton('Run', 'action', { actionId: a.id })}</li>`);
  return card(
    'actions',
    html`${awaiting.length ? html`<h3>Awaiting approval</h3><ul class="plain">${awaiting}</ul>` : ''}
      ${inForce.length ? html`<h3>In force</h3><ul class="plain">${inForce}</ul>` : ''}
      <h3>Containment actions (runbook §6)</h3><ul class="plain">${catalog}</ul>`,
  );
}

function setupReportHtml(v: View<'setup-report'>, names: Names): Html {
  return card(
    'warn-card',
    html`<p>Incident #${v.number} is recorded, but part of its set-up failed:</p>
      <ul>${v.problems.map((p) => html`<li><code>${p.step}</code> failed (${p.detail}). ${rich(p.byHand, names)}</li>`)}</ul>
      ${v.retry ? buttonRow([actButton('Retry', 'retry', { incidentId: v.incidentId }, 'primary')]) : ''}`,
  );
}

/** One view as the HTML of one console message. */
export function viewHtml(view: ChatView, names: Names): Html {
  switch (view.kind) {
    case 'text':
      return html`<div class="text">${rich(view.text, names)}</div>`;
    case 'header':
      return headerHtml(view.view, names);
    case 'checklist':
      return checklistHtml(view.view, view.incidentId, names);
    case 'retired':
      return card('retired', html`<p class="muted">${view.title}: replaced by a newer copy below.</p>`);
    case 'update':
      return updateHtml(view.view, names);
    case 'reminder':
      return reminderHtml(view.view, names);
    case 'escalation':
      return card(
        'reminder escalated',
        html`<p>🚨 Incident #${view.view.number} ${severityBadge(view.view.severity)} “${view.view.title}” has missed ${view.view.missed} status updates in a row. IC: ${mention(names, view.view.mention)}. Room: ${roomLink(names, view.roomId)}.</p>`,
      );
    case 'raise':
      return raiseHtml(view);
    case 'playbooks':
      return playbooksHtml(view);
    case 'actions':
      return actionsHtml(view, names);
    case 'action-requested':
      return card(
        'action',
        view.approvers
          ? html`<p>Requested: ${rich(view.line.text, names)}. A second person must approve (${view.approvers.length ? view.approvers.map((u, i) => html`${i ? ' or ' : ''}${mention(names, u)}`) : 'the IC or an owning lead'}).</p>
              ${buttonRow([actButton('Approve', 'approve', { requestId: view.line.request.id }, 'primary')])}`
          : html`<p>Approved and running: ${rich(view.line.text, names)}.</p>`,
      );
    case 'action-confirm':
      return card(
        'action',
        html`<p>${rich(view.instructions, names)}</p>
          ${buttonRow([
            actButton('Done', 'confirm', { requestId: view.line.request.id, outcome: 'done' }, 'primary'),
            actButton('Failed', 'confirm', { requestId: view.line.request.id, outcome: 'failed' }, 'danger'),
          ])}`,
      );
    case 'announcement': {
      const ic = view.view.roles.find((r) => r.role === 'ic')?.userId ?? view.view.declaredBy;
      return card(
        `announcement sev-border-${view.view.severity.toLowerCase()}`,
        html`<p>🚨 Incident #${view.view.number} declared: <strong>${view.view.title}</strong> ${severityBadge(view.view.severity)}. Join ${roomLink(names, view.roomId)}; the IC is ${mention(names, ic)}.</p>`,
      );
    }
    case 'setup-report':
      return setupReportHtml(view, names);
  }
}
