// The pinned header of an incident channel: severity, status, scope and who holds each role.
// Pure: a HeaderView in, Block Kit out.
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

/** Slack: a section field holds at most 2000 characters (section text 3000). */
const field = (text: string) => md(text, 2000);

const SEV_MARK: Record<string, string> = { SEV0: '🟥', SEV1: '🟧', SEV2: '🟨', SEV3: '🟦', SEV4: '⬜' };

export function headerText(v: HeaderView): string {
  return `Incident #${v.number}: ${v.title} (${v.severity}, ${v.status})`;
}

export function headerBlocks(v: HeaderView): KnownBlock[] {
  const roleBlocks: KnownBlock[] = v.roles.map((r) => ({
    type: 'section',
    block_id: `role:${r.role}`,
    text: md(`*${r.name}*${r.required ? '' : ' (optional)'}: ${r.userId ? `<@${r.userId}>` : '_unfilled_'}`),
    ...(r.userId
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
  return [
    { type: 'header', text: plain(`${SEV_MARK[v.severity] ?? ''} #${v.number} ${v.title}`, 150) },
    {
      type: 'section',
      block_id: 'summary',
      fields: [
        field(`*Severity*\n${v.severity}: ${v.severityDefinition}`),
        field(`*Status*\n${v.status}`),
        field(`*Affected areas*\n${v.areas.length ? v.areas.join(', ') : '_none given_'}`),
        field(`*Integrity or isolation uncertain*\n${v.integrityUncertain ? 'Yes' : 'No'}`),
      ],
    },
    {
      type: 'section',
      block_id: 'scope',
      fields: [field(`*Tenants*\n${list(v.tenants)}`), field(`*Channels*\n${list(v.channels)}`), field(`*Environments*\n${list(v.environments)}`)],
    },
    { type: 'divider' },
    ...roleBlocks,
    ...v.inForce.map(
      (f): KnownBlock => ({
        type: 'section',
        block_id: `force:${f.requestId}`,
        text: md(`:lock: In force: ${mrkdwn(f.text)}`),
        ...(f.control === 'none'
          ? {}
          : { accessory: { type: 'button', action_id: `${f.control === 'approve-lift' ? APPROVE_LIFT : LIFT_ACTION}:${f.requestId}`, text: plain(f.lift, 75), value: f.requestId } }),
      }),
    ),
    {
      type: 'context',
      elements: [
        md(
          `Last update: ${v.lastUpdateAt ? utc(v.lastUpdateAt) : 'none yet'} · Next due: ${v.nextUpdateDueAt ? utc(v.nextUpdateDueAt) : 'as needed'}`,
        ),
      ],
    },
    updateButtons(v.incidentId, false),
    {
      type: 'context',
      elements: [md(`Declared by <@${v.declaredBy}> at ${utc(v.declaredAt)} · ${escape('/incident help')} for commands`)],
    },
  ];
}
