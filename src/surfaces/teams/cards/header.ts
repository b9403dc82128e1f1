// The incident's header card: severity, status, scope, roles with Take role, actions in force with
// their Lift button, and the update buttons. Pure: a HeaderView in, an Adaptive Card out.
import type { HeaderView } from '../../../core/views/incident.js';
import { actionSet, card, escapeText, execute, facts, heading, mentioner, openForm, small, textBlock, utc, type Card, type Element, type Render } from './card.js';

const list = (items: readonly string[]) => (items.length ? items.map(escapeText).join(', ') : 'none given');

/** Lift, or approve someone else's lift where a second person must (the lift's own gate). */
export const liftButton = (title: string, control: 'lift' | 'approve-lift', target: { requestId: string; incidentId?: string }) =>
  control === 'approve-lift' ? execute(title, 'lift.approve', target, 'positive') : execute(title, 'action.lift', target, 'destructive');

export const updateActions = (incidentId: string, snooze: boolean) => [
  openForm('Post update', 'update', { incidentId }),
  ...(snooze ? [execute('Snooze 5 min', 'update.snooze', { incidentId })] : []),
];

export function headerCard(v: HeaderView, r: Render): Card {
  const m = mentioner(r);
  const who = (id: string) => m.who(id);
  const roles: Element[] = v.roles.map((role) => ({
    type: 'ColumnSet',
    columns: [
      { type: 'Column', width: 'stretch', items: [textBlock(`**${escapeText(role.name)}**${role.required ? '' : ' (optional)'}: ${role.userId ? who(role.userId) : '_unfilled_'}`)] },
      ...(role.userId ? [] : [{ type: 'Column', width: 'auto', items: [actionSet([execute('Take role', 'role.take', { incidentId: v.incidentId, role: role.role })])] }]),
    ],
  }));
  const inForce: Element[] = v.inForce.map((f) => ({
    type: 'ColumnSet',
    columns: [
      { type: 'Column', width: 'stretch', items: [textBlock(`🔒 In force: ${m.rich(f.text)}`)] },
      ...(f.control === 'none' ? [] : [{ type: 'Column', width: 'auto', items: [actionSet([liftButton(f.lift, f.control, { incidentId: v.incidentId, requestId: f.requestId })])] }]),
    ],
  }));
  const body: Element[] = [
    heading(`#${v.number} ${escapeText(v.title)}`),
    facts([
      ['Severity', `${v.severity}: ${v.severityDefinition}`],
      ['Status', v.status],
      ['Affected areas', list(v.areas)],
      ['Integrity or isolation uncertain', v.integrityUncertain ? 'Yes' : 'No'],
      ['Tenants', list(v.tenants)],
      ['Channels', list(v.channels)],
      ['Environments', list(v.environments)],
    ]),
    ...roles,
    ...inForce,
    small(`Last update: ${v.lastUpdateAt ? utc(v.lastUpdateAt) : 'none yet'} · Next due: ${v.nextUpdateDueAt ? utc(v.nextUpdateDueAt) : 'as needed'}`),
  ];
  body.push(small(`Declared by ${who(v.declaredBy)} at ${utc(v.declaredAt)} · \`@Incident help\` for commands`));
  return card(body, m.mentions, updateActions(v.incidentId, false));
}

export const headerSummary = (v: HeaderView) => `Incident #${v.number}: ${v.title} (${v.severity}, ${v.status})`;
