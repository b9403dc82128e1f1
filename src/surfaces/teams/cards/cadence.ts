// §7.1 status updates and the reminders around them, as Adaptive Cards. Pure: views in, cards out.
import type { ChatView } from '../../../app/chat-port.js';
import type { UpdateView } from '../../../core/views/cadence.js';
import { card, escapeText, facts, heading, mentioner, roomLink, small, textBlock, utc, type Card, type Render } from './card.js';
import { updateActions } from './header.js';

export function updateCard(u: UpdateView, r: Render): Card {
  const m = mentioner(r);
  const mitigation = u.mitigationDetail ? `${u.mitigation}: ${escapeText(u.mitigationDetail)}` : u.mitigation;
  return card(
    [
      heading(`📣 Update: #${u.number} ${escapeText(u.title)}`),
      facts([
        ['What changed', escapeText(u.changed)],
        ['Impact / scope', escapeText(u.impact)],
        ['Mitigation', mitigation],
        ['Next actions', escapeText(u.nextActions)],
      ]),
      textBlock(`Owner of the next actions: ${m.who(u.owner)}`),
      small(`${u.severity} · posted by ${m.who(u.author)} at ${utc(u.at)}${u.nextDueAt ? ` · next update due ${utc(u.nextDueAt)}` : ''}`),
    ],
    m.mentions,
  );
}

type Reminder = Extract<ChatView, { kind: 'reminder' }>['view'];

export function reminderCard(v: Reminder, r: Render): Card {
  const m = mentioner(r);
  if (v.kind === 'triage') {
    return card([textBlock(`${m.who(v.mention)} Ten minutes into incident #${v.number}: ${v.openSteps.length} triage step(s) still open.`), ...v.openSteps.map((s) => textBlock(`- ${escapeText(s)}`))], m.mentions);
  }
  if (v.kind === 'postmortem') {
    const lead = v.overdue ? '⚠️ The postmortem packet is overdue (72 h after resolution, runbook §9).' : `${v.hours} h since resolution: the postmortem packet is due within 72 h (runbook §9).`;
    return card(
      [textBlock(`${m.who(v.mention)} Incident #${v.number}: ${lead} Still missing: ${v.missing.join(', ')}.`), small('`@Incident postmortem edit` fills the sections; `@Incident followup add` adds corrective actions.')],
      m.mentions,
    );
  }
  if (v.kind === 'followup') {
    return card([textBlock(`${m.who(v.mention)} Corrective action #${v.seq} of incident #${v.number} is due today: ${escapeText(v.action)}. \`@Incident followup done ${v.seq}\` when it is.`)], m.mentions);
  }
  const since = v.lastUpdateAt ? `the last update was at ${utc(v.lastUpdateAt)}` : 'no update has been posted yet';
  const missed = v.missed > 1 ? ` This is reminder ${v.missed} in a row.` : '';
  return card(
    [textBlock(`${v.escalate ? '🚨 ' : ''}${m.who(v.mention)} A status update on incident #${v.number} (${v.severity}) is due; ${since}.${missed}`), small(`Each update says: ${v.fields.join(' · ')}.`)],
    m.mentions,
    updateActions(v.incidentId, true),
  );
}

export function escalationCard(v: Extract<ChatView, { kind: 'escalation' }>, r: Render): Card {
  const m = mentioner(r);
  const e = v.view;
  return card(
    [textBlock(`🚨 Incident #${e.number} (${e.severity}) "${escapeText(e.title)}" has missed ${e.missed} status updates in a row. IC: ${m.who(e.mention)}. [Open the incident's room](${roomLink(v.roomId)}).`)],
    m.mentions,
  );
}
