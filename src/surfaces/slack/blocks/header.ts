// The pinned header of an incident channel: where the incident stands at a glance. Severity, status,
// elapsed time, scope, who holds each role, checklist progress, playbooks, the Orgo Case, freezes in
// force and the update cadence. Its buttons follow the status. Pure: a HeaderView in, Block Kit out.
import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import { utc } from '../../../core/views/text.js';
import type { HeaderView } from '../../../core/views/incident.js';
import { mrkdwn } from './rich.js';
import { escape, list, md, plain } from './text.js';
import { updateButtons } from './update.js';

/** The header's Lift buttons carry the request id in the action id too, so each is unique in the message. */
export const LIFT_ACTION = 'lift_action';
/** The second person's Approve on a lift that fails closed. */
export const APPROVE_LIFT = 'approve_lift';

export const TAKE_ROLE_ACTION = 'take_role';

/** Freezes shown one by one with their Lift button; the rest are counted, so the header stays under 50 blocks. */
export const IN_FORCE_SHOWN = 10;

/** Slack: a section field holds at most 2000 characters (section text 3000). */
const field = (text: string) => md(text, 2000);

const SEV_MARK: Record<string, string> = { SEV0: '🟥', SEV1: '🟧', SEV2: '🟨', SEV3: '🟦', SEV4: '⬜' };

export function headerText(v: HeaderView): string {
  return `Incident #${v.number}: ${v.title} (${v.severity}, ${v.statusLabel})`;
}

/** The header is re-rendered on every change, so an open incident's elapsed time says when it was counted. */
const elapsed = (v: HeaderView) => (v.elapsed.running ? `${v.elapsed.label} (as of ${utc(v.asOf)})` : `${v.elapsed.label} (declared to resolved)`);

/** A link to the case; Slack's link syntax breaks on a bare `|`, and <, >, & are escaped. */
const caseLink = (url: string) => `<${escape(url).replace(/\|/g, '%7C')}|${escape(url)}>`;

function progressText(v: HeaderView): string {
  const lines = v.checklists.map((c) => `• ${escape(`§${c.ref} ${c.title}`)}: ${c.label}${c.settled === c.total ? ' ✅' : ''}`);
  const playbooks = v.playbooks.length ? v.playbooks.map((p) => escape(`${p.ref} ${p.title}`)).join(', ') : '_none attached_';
  return `*Checklists*\n${lines.join('\n') || '_none attached_'}\n*Playbooks*: ${playbooks}`;
}

function cadenceText(v: HeaderView): string {
  const last = `Last update: ${v.lastUpdateAt ? utc(v.lastUpdateAt) : 'none yet'}`;
  if (!v.elapsed.running) return `${last} · No more updates are due.`;
  const next = v.nextUpdateDueAt ? `${utc(v.nextUpdateDueAt)}${v.updateOverdue ? ' (:warning: overdue)' : ''}` : 'as needed';
  return `${last} · Next due: ${next}`;
}

export function headerBlocks(v: HeaderView): KnownBlock[] {
  const roleBlocks: KnownBlock[] = v.roles.map((r) => ({
    type: 'section',
    block_id: `role:${r.role}`,
    text: md(`*${r.name}*${r.required ? '' : ' (optional)'}: ${r.userId ? `<@${r.userId}>` : '_unfilled_'}`),
    ...(r.userId || !v.offers.takeRole
      ? {}
      : {
          accessory: {
            type: 'button',
            action_id: `${TAKE_ROLE_ACTION}:${r.role}`,
            text: plain('Take role', 75),
            value: v.incidentId,
          },
        }),
  }));
  const shown = v.inForce.slice(0, IN_FORCE_SHOWN);
  const hidden = v.inForce.length - shown.length;
  const forceBlocks: KnownBlock[] = shown.map((f) => ({
    type: 'section',
    block_id: `force:${f.requestId}`,
    text: md(`:lock: In force: ${mrkdwn(f.text)}`),
    ...(!v.offers.lift || f.control === 'none'
      ? {}
      : { accessory: { type: 'button', action_id: `${f.control === 'approve-lift' ? APPROVE_LIFT : LIFT_ACTION}:${f.requestId}`, text: plain(f.lift, 75), value: f.requestId } }),
  }));
  if (hidden > 0) {
    forceBlocks.push({ type: 'context', block_id: 'force:more', elements: [md(`:lock: ${hidden} more in force: ${escape('/incident actions')} lists them all.`)] });
  }
  return [
    { type: 'header', text: plain(`${SEV_MARK[v.severity] ?? ''} #${v.number} ${v.title}`, 150) },
    { type: 'context', block_id: 'status', elements: [md(`*${escape(v.statusNote)}*`)] },
    {
      type: 'section',
      block_id: 'summary',
      fields: [
        field(`*Severity*\n${v.severity}: ${v.severityDefinition}`),
        field(`*Status*\n${v.statusLabel}`),
        field(`*Elapsed*\n${elapsed(v)}`),
        field(`*Orgo Case*\n${v.orgoCaseUrl ? caseLink(v.orgoCaseUrl) : '_not recorded_'}`),
        field(`*Affected areas*\n${v.areas.length ? v.areas.join(', ') : '_none given_'}`),
        field(`*Integrity or isolation uncertain*\n${v.integrityUncertain ? 'Yes' : 'No'}`),
      ],
    },
    {
      type: 'section',
      block_id: 'scope',
      fields: [field(`*Tenants*\n${list(v.tenants)}`), field(`*Channels*\n${list(v.channels)}`), field(`*Environments*\n${list(v.environments)}`)],
    },
    { type: 'section', block_id: 'progress', text: md(progressText(v)) },
    { type: 'divider' },
    ...roleBlocks,
    ...forceBlocks,
    { type: 'context', block_id: 'cadence', elements: [md(cadenceText(v))] },
    ...(v.offers.postUpdate ? [updateButtons(v.incidentId, false)] : []),
    {
      type: 'context',
      block_id: 'declared',
      elements: [md(`Declared by <@${v.declaredBy}> at ${utc(v.declaredAt)} · ${escape('/incident help')} for commands`)],
    },
  ];
}
