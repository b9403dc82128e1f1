// The bot's forms submitted as Slack sends them (view_submission with each block's state). A test
// that passes the same view id twice plays a redelivery of one submission.
import type { ActionEntry } from '../../src/core/actions/catalog.js';
import { viewSubmission, type Actor, type ModalValues } from './slack-requests.js';

let views = 0;
const nextView = (prefix: string) => `${prefix}${++views}`;
const text = (value: string | null | undefined) => ({ value: { type: 'plain_text_input', value: value ?? null } });

export type UpdateForm = { changed?: string; impact?: string; mitigation?: string; mitigationDetail?: string; nextActions?: string; owner?: string };

/** The §7.1 update modal. */
export function updateSubmission(who: Actor, roomId: string, form: UpdateForm, viewId = nextView('VUPD')) {
  const values = {
    changed: text(form.changed),
    impact: text(form.impact),
    mitigation: { value: { type: 'static_select', selected_option: form.mitigation ? { value: form.mitigation, text: { type: 'plain_text', text: form.mitigation } } : null } },
    mitigationDetail: text(form.mitigationDetail),
    nextActions: text(form.nextActions),
    owner: { value: { type: 'users_select', selected_user: form.owner ?? null } },
  };
  return viewSubmission(who, { id: viewId, callbackId: 'post_update', privateMetadata: JSON.stringify({ roomId }), values });
}

/** The corrective-action modal. */
export function followupSubmission(who: Actor, privateMetadata: string, form: { title: string | null; owner: string | null; dueOn: string | null }, viewId = nextView('VFU')) {
  return viewSubmission(who, {
    id: viewId,
    callbackId: 'followup_add',
    privateMetadata,
    values: {
      title: text(form.title),
      owner: { value: { type: 'users_select', selected_user: form.owner } },
      dueOn: { value: { type: 'datepicker', selected_date: form.dueOn } },
    },
  });
}

/**
 * The Run form of a containment action: every input block of the action's form, the given values
 * filled in (the others empty), and the override box of a destructive action.
 */
export function requestSubmission(who: Actor, roomId: string, action: ActionEntry, params: Record<string, string>, override?: string, viewId = nextView('VREQ')) {
  const values: ModalValues = {};
  for (const p of action.parameters) {
    const v = params[p.name] ?? null;
    values[`param:${p.name}`] =
      p.type === 'enum' ? { value: { type: 'static_select', selected_option: v === null ? null : { value: v, text: { type: 'plain_text', text: v } } } } : text(v);
  }
  if (action.destructive) values.override = text(override);
  return viewSubmission(who, { id: viewId, callbackId: 'action_request', privateMetadata: JSON.stringify({ roomId, actionId: action.id }), values });
}
