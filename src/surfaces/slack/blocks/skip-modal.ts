// The modal a Skip button opens: why the step is skipped, and whether it simply does not apply to this
// incident. The incident, item and channel ride in private_metadata; they are claims like any payload,
// so the submission handler checks them again before writing anything.
import type { types, ViewSubmitAction } from '@slack/bolt';
import { REASON_MAX } from '../../../core/checklists/state.js';
import { escape, md, plain } from './text.js';

export const SKIP_CALLBACK = 'skip_item';
/** The action_id of every input of the modal; the block ids ('reason', 'na') tell them apart. */
export const SKIP_VALUE = 'value';
export const NA_OPTION = 'yes';

export type SkipMetadata = { incidentId: string; itemId: string; roomId: string };

type Values = ViewSubmitAction['view']['state']['values'];

export function skipModal(meta: SkipMetadata, itemText: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: SKIP_CALLBACK,
    private_metadata: JSON.stringify({ incidentId: meta.incidentId, itemId: meta.itemId, roomId: meta.roomId }),
    title: plain('Skip a step', 24),
    submit: plain('Skip', 24),
    close: plain('Cancel', 24),
    blocks: [
      { type: 'section', block_id: 'item', text: md(`*Step:* ${escape(itemText)}`) },
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Why is this step skipped?'),
        hint: plain('Shown in the checklist and recorded in the timeline.'),
        element: { type: 'plain_text_input', action_id: SKIP_VALUE, multiline: true, max_length: REASON_MAX },
      },
      {
        type: 'input',
        block_id: 'na',
        optional: true,
        label: plain('Not applicable'),
        element: {
          type: 'checkboxes',
          action_id: SKIP_VALUE,
          options: [{ text: plain('Not applicable to this incident', 75), value: NA_OPTION }],
        },
      },
    ],
  };
}

/** The reason (trimmed; empty when missing) and whether the step was marked not applicable. */
export function readSkipForm(values: Values): { reason: string; notApplicable: boolean } {
  const reason = values['reason']?.[SKIP_VALUE]?.value ?? '';
  const picked = values['na']?.[SKIP_VALUE]?.selected_options ?? [];
  return { reason: reason.trim(), notApplicable: picked.some((o) => o.value === NA_OPTION) };
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The metadata skipModal wrote, or null when it is not JSON or lacks a field. */
export function readSkipMetadata(raw: string): SkipMetadata | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { incidentId, itemId, roomId } = parsed as Record<string, unknown>;
  if (!nonEmpty(incidentId) || !nonEmpty(itemId) || !nonEmpty(roomId)) return null;
  return { incidentId, itemId, roomId };
}
