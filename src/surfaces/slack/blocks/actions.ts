// Containment actions in Slack: the /incident actions overview, the request form with its
// parameters prefilled from the incident, and the messages that follow a request to its outcome.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, types } from '@slack/bolt';
import type { ActionEntry, Prefill } from '../../../core/actions/catalog.js';
import type { ActionRequest } from '../../../core/incidents/model.js';
import type { ActionLine } from '../../../app/chat-port.js';
import { mrkdwn } from './rich.js';
import type { LiftControl } from '../../../core/actions/service.js';
import { APPROVE_LIFT, LIFT_ACTION } from './header.js';
import { md, plain } from './text.js';

export const RUN_ACTION = 'run_action';
export const APPROVE_ACTION = 'approve_action';
export const CONFIRM_ACTION = 'confirm_action';
export const REQUEST_CALLBACK = 'action_request';
export const OVERRIDE_BLOCK = 'override';
const VALUE = 'value';

type Values = (SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs)['view']['state']['values'];
const button = (text: string, action_id: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button' as const,
  text: plain(text, 75),
  action_id,
  value,
  ...(style ? { style } : {}),
});

export function actionsOverview(catalog: ActionEntry[], pending: ActionLine[], inForce: (ActionLine & { lift: string; control: LiftControl })[]): { text: string; blocks: types.KnownBlock[] } {
  const rows: types.KnownBlock[] = catalog.slice(0, 40).map((a) => ({
    type: 'section',
    block_id: `run:${a.id}`,
    text: md(`*${a.title}* (§${a.refs.join(', §')})${a.destructive ? ' · destructive' : ''}`),
    accessory: button('Run', `${RUN_ACTION}:${a.id}`, a.id),
  }));
  const waiting: types.KnownBlock[] = pending.map(({ request, text }) => ({
    type: 'section',
    block_id: `approve:${request.id}`,
    text: md(`Awaiting approval: ${mrkdwn(text)}`),
    accessory: button('Approve', APPROVE_ACTION, request.id, 'primary'),
  }));
  const held: types.KnownBlock[] = inForce.map(({ request, text, lift, control }) => ({
    type: 'section',
    block_id: `lift:${request.id}`,
    text: md(`In force: ${mrkdwn(text)}`),
    ...(control === 'none'
      ? {}
      : { accessory: control === 'approve-lift' ? button(lift, `${APPROVE_LIFT}:${request.id}`, request.id, 'primary') : button(lift, `${LIFT_ACTION}:${request.id}`, request.id, 'danger') }),
  }));
  return {
    text: `${catalog.length} containment actions, ${pending.length} awaiting approval, ${inForce.length} in force`,
    blocks: [
      ...(waiting.length ? [{ type: 'header' as const, text: plain('Awaiting approval', 150) }, ...waiting] : []),
      ...(held.length ? [{ type: 'header' as const, text: plain('In force', 150) }, ...held] : []),
      { type: 'header', text: plain('Containment actions (runbook §6)', 150) },
      ...rows,
    ],
  };
}

export function requestModal(action: ActionEntry, prefill: Record<string, Prefill>, roomId: string): types.ModalView {
  const inputs: types.KnownBlock[] = action.parameters.map((p) => {
    const pre = prefill[p.name];
    const initial = Array.isArray(pre?.value) ? pre.value.join(', ') : pre?.value;
    const element =
      p.type === 'enum'
        ? { type: 'static_select' as const, action_id: VALUE, options: (p.values ?? []).map((v) => ({ text: plain(v, 75), value: v })) }
        : { type: 'plain_text_input' as const, action_id: VALUE, max_length: 200, ...(initial ? { initial_value: initial } : {}) };
    const hint = pre?.options.length ? `Impacted: ${pre.options.join(', ')}` : p.multiple ? 'Comma-separated.' : undefined;
    return { type: 'input', block_id: `param:${p.name}`, optional: !p.required, label: plain(p.label), ...(hint ? { hint: plain(hint, 2000) } : {}), element };
  });
  const override: types.KnownBlock[] = action.destructive
    ? [
        {
          type: 'input',
          block_id: OVERRIDE_BLOCK,
          optional: true,
          label: plain('Evidence override (IC only)'),
          hint: plain('Only if §5.3 snapshot steps are still open: why this cannot wait. Recorded in the timeline.'),
          element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: 500 },
        },
      ]
    : [];
  return {
    type: 'modal',
    callback_id: REQUEST_CALLBACK,
    private_metadata: JSON.stringify({ roomId, actionId: action.id }),
    title: plain('Containment action', 24),
    submit: plain('Request', 24),
    close: plain('Cancel', 24),
    blocks: [{ type: 'section', text: md(`*${action.title}* (§${action.refs.join(', §')})`) }, ...inputs, ...override],
  };
}

export function readRequestForm(action: ActionEntry, values: Values) {
  const params: Record<string, string | string[] | undefined> = {};
  for (const p of action.parameters) {
    const v = values[`param:${p.name}`]?.[VALUE];
    const raw = v?.selected_option?.value ?? v?.value ?? undefined;
    params[p.name] = raw && p.multiple ? raw.split(',').map((x) => x.trim()).filter(Boolean) : (raw ?? undefined);
  }
  return { params, override: values[OVERRIDE_BLOCK]?.[VALUE]?.value ?? undefined };
}

export function readRequestMetadata(raw: string): { roomId: string; actionId: string } | null {
  try {
    const m = JSON.parse(raw) as { roomId?: unknown; actionId?: unknown };
    return typeof m.roomId === 'string' && typeof m.actionId === 'string' ? { roomId: m.roomId, actionId: m.actionId } : null;
  } catch {
    return null;
  }
}

export function requestedMessage({ request, text: what }: ActionLine, approvers: string[] | null) {
  const text = approvers
    ? `Requested: ${mrkdwn(what)}. A second person must approve (${approvers.map((u) => `<@${u}>`).join(' or ') || 'the IC or an owning lead'}).`
    : `Approved and running: ${mrkdwn(what)}.`;
  return { text, blocks: [{ type: 'section' as const, text: md(text), ...(approvers ? { accessory: button('Approve', APPROVE_ACTION, request.id, 'primary') } : {}) }] };
}

export function confirmMessage(request: Pick<ActionRequest, 'id'>, prompt: string) {
  return {
    text: prompt,
    blocks: [
      { type: 'section' as const, text: md(prompt) },
      { type: 'actions' as const, elements: [button('Done', `${CONFIRM_ACTION}:done`, request.id, 'primary'), button('Failed', `${CONFIRM_ACTION}:failed`, request.id, 'danger')] },
    ],
  };
}
