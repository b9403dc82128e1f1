// The shapes Slack sends, checked at the edge before any listener runs: a forged or mangled body
// is refused here, so nothing built from it is ever written (a non-string user id, for one, would
// be hashed as one value and stored as another, and break the timeline's chain).
import { z } from 'zod';

/** Slack ids are capital letters and digits: T0123ABC, U0123ABC, C0123ABC. */
export const slackId = z.string().regex(/^[A-Z0-9]{2,32}$/, 'a Slack id is capital letters and digits, like T0123ABC');
const token = z.string().max(255);
const text = z.string().max(4000);

const command = z.looseObject({
  command: z.string().max(64),
  team_id: slackId,
  user_id: slackId,
  channel_id: slackId,
  text: text.optional(),
  trigger_id: token,
});

const action = z.looseObject({ action_id: token, value: z.string().max(2000).optional(), action_ts: token.optional() });
const view = z.looseObject({
  id: token,
  callback_id: token,
  hash: token.optional(),
  private_metadata: z.string().max(3000).optional(),
  state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) }).optional(),
});

// The workspace is the verified request's own team, never the user's `team_id`: `team` is required.
const interaction = z.looseObject({
  type: z.enum(['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion']),
  team: z.looseObject({ id: slackId }),
  user: z.looseObject({ id: slackId }),
  channel: z.looseObject({ id: slackId }).nullish(),
  trigger_id: token.optional(),
  response_url: z.string().max(1000).optional(),
  actions: z.array(action).min(1).max(10).optional(),
  view: view.optional(),
});

/** Events API bodies: the bot subscribes to none, but Slack's URL check must still pass. */
const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: z.string().max(200) });

/** What is wrong with a parsed request body, in words; undefined when it has a shape the bot reads. */
export function bodyProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the request body is not an object';
  const schema = 'command' in body ? command : 'type' in body && body.type === 'url_verification' ? urlVerification : interaction;
  const parsed = schema.safeParse(body);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

/** UUIDs, as the bot's own buttons carry them (incident and request ids). */
export const uuid = z.uuid();
