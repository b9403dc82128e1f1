// §7.1 status updates: the modal that asks for the four fields, the message that publishes them,
// and the reminder that asks for the next one. Pure: views in, Block Kit out.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, types } from '@slack/bolt';
import type { ReminderView, UpdateFields, UpdateView } from '../../../core/views/cadence.js';
import { utc } from '../../../core/views/text.js';
import { escape, md, plain } from './text.js';

export const UPDATE_CALLBACK = 'post_update';
export const OPEN_UPDATE_ACTION = 'open_update';
export const SNOOZE_ACTION = 'snooze_update';
const VALUE = 'value';

type Values = (SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs)['view']['state']['values'];

const longInput = (blockId: keyof UpdateFields, label: string, hint: string): types.KnownBlock => ({
  type: 'input',
  block_id: blockId,
  label: plain(label),
  hint: plain(hint),
  element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: 2000 },
});

export function updateModal(roomId: string, mitigationOptions: string[], asker: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: UPDATE_CALLBACK,
    private_metadata: JSON.stringify({ roomId }),
    title: plain('Post an update', 24),
    submit: plain('Post', 24),
    close: plain('Cancel', 24),
    blocks: [
      longInput('changed', 'What changed since the last update', 'Facts only; avoid root-cause speculation until verified.'),
      longInput('impact', 'Current impact / scope', 'Tenants, channels, environments affected now.'),
      {
        type: 'input',
        block_id: 'mitigation',
        label: plain('Mitigation status'),
        element: {
          type: 'static_select',
          action_id: VALUE,
          placeholder: plain('freeze, rollback, quarantine or none', 150),
          options: mitigationOptions.map((o) => ({ text: plain(o, 75), value: o })),
        },
      },
      {
        type: 'input',
        block_id: 'mitigationDetail',
        optional: true,
        label: plain('Mitigation detail'),
        element: { type: 'plain_text_input', action_id: VALUE, max_length: 2000 },
      },
      longInput('nextActions', 'Next actions', 'What happens next.'),
      {
        type: 'input',
        block_id: 'owner',
        label: plain('Owner of the next actions'),
        element: { type: 'users_select', action_id: VALUE, initial_user: asker },
      },
    ],
  };
}

export function readUpdateForm(values: Values): Partial<UpdateFields> {
  const v = (block: string) => values[block]?.[VALUE];
  return {
    changed: v('changed')?.value ?? '',
    impact: v('impact')?.value ?? '',
    mitigation: v('mitigation')?.selected_option?.value ?? '',
    mitigationDetail: v('mitigationDetail')?.value ?? '',
    nextActions: v('nextActions')?.value ?? '',
    owner: v('owner')?.selected_user ?? '',
  };
}

export function readUpdateMetadata(raw: string): string | null {
  try {
    const roomId = (JSON.parse(raw) as { roomId?: unknown }).roomId;
    return typeof roomId === 'string' && roomId ? roomId : null;
  } catch {
    return null;
  }
}

export function updateMessage(u: UpdateView): { text: string; blocks: types.KnownBlock[] } {
  const mitigation = u.mitigationDetail ? `${u.mitigation}: ${escape(u.mitigationDetail)}` : u.mitigation;
  return {
    text: `Update on incident #${u.number} (${u.severity}) from <@${u.author}>`,
    blocks: [
      { type: 'header', text: plain(`📣 Update: #${u.number} ${u.title}`, 150) },
      {
        type: 'section',
        fields: [
          md(`*What changed*\n${escape(u.changed)}`, 2000),
          md(`*Impact / scope*\n${escape(u.impact)}`, 2000),
          md(`*Mitigation*\n${mitigation}`, 2000),
          md(`*Next actions* (owner <@${u.owner}>)\n${escape(u.nextActions)}`, 2000),
        ],
      },
      {
        type: 'context',
        elements: [md(`${u.severity} · posted by <@${u.author}> at ${utc(u.at)}${u.nextDueAt ? ` · next update due ${utc(u.nextDueAt)}` : ''}`)],
      },
    ],
  };
}

const buttons = (incidentId: string, snooze: boolean): types.KnownBlock => ({
  type: 'actions',
  elements: [
    { type: 'button', action_id: OPEN_UPDATE_ACTION, text: plain('Post update', 75), style: 'primary', value: incidentId },
    ...(snooze ? [{ type: 'button' as const, action_id: SNOOZE_ACTION, text: plain('Snooze 5 min', 75), value: incidentId }] : []),
  ],
});

export function reminderMessage(r: Exclude<ReminderView, { kind: 'escalation' | 'setup' | 'action' | 'lift' | 'expire' }>): { text: string; blocks: types.KnownBlock[] } {
  if (r.kind === 'triage') {
    const text = `<@${r.mention}> Ten minutes into incident #${r.number}: ${r.openSteps.length} triage step(s) still open.`;
    return { text, blocks: [{ type: 'section', text: md(`${text}\n${r.openSteps.map((s) => `• ${escape(s)}`).join('\n')}`) }] };
  }
  if (r.kind === 'postmortem') {
    const lead = r.overdue ? ':warning: The postmortem packet is overdue (72 h after resolution, runbook §9).' : `${r.hours} h since resolution: the postmortem packet is due within 72 h (runbook §9).`;
    const text = `<@${r.mention}> Incident #${r.number}: ${lead} Still missing: ${r.missing.join(', ')}.`;
    return { text, blocks: [{ type: 'section', text: md(`${text}\n\`/incident postmortem edit\` fills the sections; \`/incident followup add\` adds corrective actions.`) }] };
  }
  if (r.kind === 'followup') {
    const text = `<@${r.mention}> Corrective action #${r.seq} of incident #${r.number} is due today: ${escape(r.action)}. \`/incident followup done ${r.seq}\` when it is.`;
    return { text, blocks: [{ type: 'section', text: md(text) }] };
  }
  const since = r.lastUpdateAt ? `the last update was at ${utc(r.lastUpdateAt)}` : 'no update has been posted yet';
  const missed = r.missed > 1 ? ` This is reminder ${r.missed} in a row.` : '';
  const text = `${r.escalate ? ':rotating_light: ' : ''}<@${r.mention}> A status update on incident #${r.number} (${r.severity}) is due; ${since}.${missed}`;
  return {
    text,
    blocks: [
      { type: 'section', text: md(`${text}\nEach update says: ${r.fields.join(' · ')}.`) },
      buttons(r.incidentId, true),
    ],
  };
}

export function escalationMessage(r: Extract<ReminderView, { kind: 'escalation' }>, roomId: string): string {
  return `:rotating_light: Incident #${r.number} (${r.severity}) "${escape(r.title)}" has missed ${r.missed} status updates in a row. IC: <@${r.mention}>. Channel: <#${roomId}>.`;
}

export { buttons as updateButtons };
