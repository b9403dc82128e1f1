// Modals for §9 and §7.2: the postmortem's written sections, a corrective action, an external
// update draft. Each carries the channel it was opened from in private_metadata.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, types } from '@slack/bolt';
import type { PostmortemFields } from '../../../core/incidents/model.js';
import { plain } from './text.js';

export const POSTMORTEM_CALLBACK = 'postmortem_edit';
export const FOLLOWUP_CALLBACK = 'followup_add';
export const EXTERNAL_CALLBACK = 'external_draft';
const VALUE = 'value';

type Values = (SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs)['view']['state']['values'];

const text = (blockId: string, label: string, opts: { initial?: string; optional?: boolean; multiline?: boolean } = {}): types.KnownBlock => ({
  type: 'input',
  block_id: blockId,
  optional: opts.optional ?? false,
  label: plain(label),
  element: {
    type: 'plain_text_input',
    action_id: VALUE,
    multiline: opts.multiline ?? true,
    max_length: 3000,
    ...(opts.initial ? { initial_value: opts.initial } : {}),
  },
});

const modal = (callback: string, roomId: string, title: string, submit: string, blocks: types.KnownBlock[]): types.ModalView => ({
  type: 'modal',
  callback_id: callback,
  private_metadata: JSON.stringify({ roomId }),
  title: plain(title, 24),
  submit: plain(submit, 24),
  close: plain('Cancel', 24),
  blocks,
});

export function postmortemModal(roomId: string, current: PostmortemFields | null): types.ModalView {
  return modal(POSTMORTEM_CALLBACK, roomId, 'Postmortem (§9.1)', 'Save', [
    text('rootCauseTechnical', 'Root cause: technical', { initial: current?.rootCauseTechnical, optional: true }),
    text('rootCauseProcess', 'Root cause: process', { initial: current?.rootCauseProcess, optional: true }),
    text('whatWorked', 'What worked', { initial: current?.whatWorked, optional: true }),
    text('whatDidNot', "What didn't", { initial: current?.whatDidNot, optional: true }),
    {
      type: 'input',
      block_id: 'rootCauseVerified',
      optional: true,
      label: plain('Verification'),
      element: {
        type: 'checkboxes',
        action_id: VALUE,
        options: [{ text: plain('The root cause is verified', 75), value: 'yes' }],
        ...(current?.rootCauseVerified ? { initial_options: [{ text: plain('The root cause is verified', 75), value: 'yes' }] } : {}),
      },
    },
  ]);
}

export function followupModal(roomId: string, asker: string): types.ModalView {
  return modal(FOLLOWUP_CALLBACK, roomId, 'Corrective action', 'Add', [
    text('title', 'Action', { multiline: false }),
    { type: 'input', block_id: 'owner', label: plain('Owner'), element: { type: 'users_select', action_id: VALUE, initial_user: asker } },
    { type: 'input', block_id: 'dueOn', label: plain('Deadline'), element: { type: 'datepicker', action_id: VALUE } },
  ]);
}

export function externalModal(roomId: string): types.ModalView {
  return modal(EXTERNAL_CALLBACK, roomId, 'External update', 'Draft', [
    text('customerImpact', 'Customer impact'),
    text('nextSteps', 'Next steps'),
  ]);
}

export const readRoom = (raw: string): string | null => {
  try {
    const roomId = (JSON.parse(raw) as { roomId?: unknown }).roomId;
    return typeof roomId === 'string' && roomId ? roomId : null;
  } catch {
    return null;
  }
};

const value = (values: Values, block: string) => values[block]?.[VALUE];

export const readPostmortemForm = (values: Values): PostmortemFields => ({
  rootCauseTechnical: value(values, 'rootCauseTechnical')?.value ?? '',
  rootCauseProcess: value(values, 'rootCauseProcess')?.value ?? '',
  whatWorked: value(values, 'whatWorked')?.value ?? '',
  whatDidNot: value(values, 'whatDidNot')?.value ?? '',
  rootCauseVerified: (value(values, 'rootCauseVerified')?.selected_options ?? []).some((o) => o.value === 'yes'),
});

export const readFollowupForm = (values: Values) => ({
  title: value(values, 'title')?.value ?? '',
  owner: value(values, 'owner')?.selected_user ?? '',
  dueOn: value(values, 'dueOn')?.selected_date ?? '',
});

export const readExternalForm = (values: Values) => ({
  customerImpact: value(values, 'customerImpact')?.value ?? '',
  nextSteps: value(values, 'nextSteps')?.value ?? '',
});
