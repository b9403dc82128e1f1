// Requests signed exactly as Slack signs them: v0= + hex HMAC-SHA256(secret, "v0:{ts}:{raw body}").
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret';

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export type SendOptions = { timestamp?: number; signature?: string | null; retryNum?: number; contentType?: string; signal?: AbortSignal };

export type SlackResponse = { status: number; body: string; json(): unknown };

export async function postSigned(url: string, body: string, opts: SendOptions = {}): Promise<SlackResponse> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature = opts.signature === undefined ? sign(body, timestamp) : opts.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const res = await fetch(url, { method: 'POST', headers, body, ...(opts.signal ? { signal: opts.signal } : {}) });
  const text = await res.text();
  return { status: res.status, body: text, json: () => JSON.parse(text) };
}

export type Actor = { team: string; user: string; channel: string };

export function commandBody(who: Actor, text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'legacy-unused',
    team_id: who.team,
    team_domain: 'acme',
    channel_id: who.channel,
    channel_name: 'general',
    user_id: who.user,
    user_name: who.user.toLowerCase(),
    command: '/incident',
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
  }).toString();
}

export const interactionBody = (payload: object): string => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

type StateValue = Record<string, unknown>;
/** A modal's state as Slack sends it: block id → { value: element state } (action id `value`). */
export type ModalValues = Record<string, { value: StateValue }>;

/** A view_submission of any of the bot's modals, as Slack sends it. */
export function viewSubmission(who: Actor, view: { id: string; callbackId: string; privateMetadata: string; values: ModalValues }) {
  return interactionBody({
    type: 'view_submission',
    team: { id: who.team, domain: 'acme' },
    user: { id: who.user, team_id: who.team, name: who.user.toLowerCase() },
    api_app_id: 'A1',
    trigger_id: 'trigger-view',
    view: {
      id: view.id,
      team_id: who.team,
      type: 'modal',
      callback_id: view.callbackId,
      private_metadata: view.privateMetadata,
      hash: 'h1',
      state: { values: view.values },
      title: { type: 'plain_text', text: 'Modal' },
      blocks: [],
    },
  });
}

/** A view_submission of the declare modal, with the form's values filled in. */
export function declareSubmission(who: Actor, viewId: string, form: {
  title: string;
  severity: string;
  areas?: string[];
  tenants?: string;
  channels?: string;
  environments?: string;
  uncertain?: boolean;
  commander?: string;
}) {
  const options = (values: string[]) => values.map((value) => ({ value, text: { type: 'plain_text', text: value } }));
  const values: ModalValues = {
    title: { value: { type: 'plain_text_input', value: form.title } },
    severity: { value: { type: 'radio_buttons', selected_option: { value: form.severity } } },
    areas: { value: { type: 'checkboxes', selected_options: options(form.areas ?? []) } },
    tenants: { value: { type: 'plain_text_input', value: form.tenants ?? null } },
    channels: { value: { type: 'plain_text_input', value: form.channels ?? null } },
    environments: { value: { type: 'plain_text_input', value: form.environments ?? null } },
    integrityUncertain: { value: { type: 'checkboxes', selected_options: options(form.uncertain ? ['yes'] : []) } },
    commander: { value: { type: 'users_select', selected_user: form.commander ?? who.user } },
  };
  return viewSubmission(who, { id: viewId, callbackId: 'declare_incident', privateMetadata: JSON.stringify({ origin: who.channel }), values });
}

let clicks = 0;
/** Slack stamps every click with its own action_ts; a retry of one delivery repeats it. */
const nextActionTs = () => `${Math.floor(Date.now() / 1000)}.${String(++clicks).padStart(6, '0')}`;

/**
 * A click on a button in a channel message; `actionTs` names the click (a redelivery passes the same),
 * and `message` is the clicked message as Slack sends it back.
 */
export function buttonClick(
  who: Actor,
  actionId: string,
  value: string,
  responseUrl: string,
  actionTs = nextActionTs(),
  message: { ts: string; text?: string; blocks?: unknown[] } = { ts: '1700000000.000001', text: 'header' },
) {
  return interactionBody({
    type: 'block_actions',
    team: { id: who.team, domain: 'acme' },
    user: { id: who.user, team_id: who.team, name: who.user.toLowerCase() },
    api_app_id: 'A1',
    trigger_id: 'trigger-click',
    channel: { id: who.channel, name: 'inc' },
    container: { type: 'message', message_ts: message.ts, channel_id: who.channel },
    message,
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value, action_ts: actionTs, text: { type: 'plain_text', text: 'Take role' } }],
  });
}
