// The remaining views as Adaptive Cards: plain text, the playbook list, a playbook's call for a
// higher severity, the announcement where an incident was declared, and the set-up report.
import type { ChatView } from '../../../app/chat-port.js';
import { SEVERITIES, type Severity } from '../../../core/incidents/model.js';
import type { HeaderView } from '../../../core/views/incident.js';
import type { Rich } from '../../../core/views/rich-text.js';
import { actionSet, card, escapeText, execute, heading, mentioner, roomLink, small, textBlock, type Card, type Element, type Render } from './card.js';

export function textCard(text: Rich | string, r: Render): Card {
  const m = mentioner(r);
  return card([textBlock(m.rich(text))], m.mentions);
}

export function playbooksCard(v: Extract<ChatView, { kind: 'playbooks' }>): Card {
  const quote = (list: string[]) => list.map((s) => `"${escapeText(s)}"`).join(', ');
  const rows: Element[] = v.playbooks.map((p) => ({
    type: 'Container',
    separator: true,
    items: [
      textBlock(`**${escapeText(`${p.ref} ${p.title}`)}**${p.attached ? ' · ✅ attached' : ''}`),
      textBlock(`_Goal:_ ${escapeText(p.goal)}`),
      ...(p.symptoms.length ? [small(`Symptoms (§10): ${quote(p.symptoms)}`)] : []),
      ...(p.alsoFor.length ? [small(`Also drawn on for: ${quote(p.alsoFor)}`)] : []),
      ...(p.escalatesTo ? [small(`⚠️ Calls for ${p.escalatesTo} or higher.`)] : []),
      ...(p.attached ? [] : [actionSet([execute('Attach', 'playbook.attach', { incidentId: v.incidentId, playbook: p.id })])]),
    ],
  }));
  return card([heading('Runbook playbooks (§6)'), small('Attach the playbook that matches the symptom; an incident can have several. Each posts its own checklist here.'), ...rows]);
}

/** SEV0 is the highest: a lower index is more severe. */
const moreSevere = (a: Severity, b: Severity) => SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b);

export function raiseCard(v: Extract<ChatView, { kind: 'raise' }>): Card {
  const needed = !v.done && moreSevere(v.severity, v.current);
  const summary = needed
    ? `Incident #${v.number} is ${v.current}, but playbook ${v.playbook} calls for ${v.severity} or higher.`
    : `Playbook ${v.playbook} calls for ${v.severity} or higher; incident #${v.number} is ${v.current}.`;
  const targets = needed ? SEVERITIES.filter((s) => !moreSevere(v.severity, s)).reverse() : [];
  return card(
    [textBlock(`⚠️ ${escapeText(summary)}`), small(escapeText(v.when)), ...(needed ? [textBlock('Incident Commander: raise the severity?')] : [])],
    [],
    targets.map((s, i) => execute(`Raise to ${s}`, 'severity.raise', { incidentId: v.incidentId, severity: s }, i === 0 ? 'positive' : undefined)),
  );
}

export function announcementCard(v: HeaderView, roomId: string, r: Render): Card {
  const m = mentioner(r);
  const ic = v.roles.find((x) => x.role === 'ic')?.userId ?? v.declaredBy;
  return card([textBlock(`🚨 Incident #${v.number} declared: **${escapeText(v.title)}** (${v.severity}). [Join the incident's room](${roomLink(roomId)}); the IC is ${m.who(ic)}.`)], m.mentions);
}

export function setupReportCard(v: Extract<ChatView, { kind: 'setup-report' }>, r: Render): Card {
  const m = mentioner(r);
  return card(
    [
      textBlock(`⚠️ Incident #${v.number} is declared and recorded, but part of its set-up failed:`),
      ...v.problems.map((p) => textBlock(`- **${escapeText(p.step)}**: ${escapeText(p.detail)}. ${m.rich(p.byHand)}`)),
    ],
    m.mentions,
    v.retry ? [execute('Retry', 'setup.retry', { incidentId: v.incidentId })] : [],
  );
}
