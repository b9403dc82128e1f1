// The frame every form submission shares: save first, so a refusal still shows beside its field in
// the open form; then ack, and run the room talk.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Asked, Outcome } from '../../../../app/intent.js';
import { isDomainError } from '../../../../core/errors.js';
import type { Logger } from '../../../../log.js';
import { replyOf, slackWorkspace, viewKey, type SlackDeps } from '../../context.js';
import { refusalText } from '../../../../app/core-text.js';
import { mrkdwn } from '../../blocks/rich.js';
import { errorText } from '../../reply.js';

export type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type Submit = (c: { asked: (roomId: string | null, key?: string) => Promise<Asked>; args: SubmitArgs; log: Logger }) => Promise<Outcome>;

export type SubmissionOptions = {
  /** The field a refusal shows beside when the error names none the form has. */
  fallback: string | ((args: SubmitArgs) => string);
  /** Picks the field before the error's own, when a form knows better. */
  fieldOf?: (e: unknown, args: SubmitArgs) => string | undefined;
  /** Refusals in plain words, without the warning mark. */
  bare?: boolean;
};

export function submission(deps: SlackDeps, options: SubmissionOptions, submit: Submit) {
  const { fallback, fieldOf, bare } = options;
  return async (args: SubmitArgs) => {
    const { ack, body, view, client } = args;
    const actor = body.user.id;
    const log = deps.log.child({ workspace: body.team?.id, user: actor, view: view.id, callback: view.callback_id });
    let room: string | null = null;
    const asked = async (roomId: string | null, key = viewKey(view)) => {
      room = roomId;
      return { ws: await slackWorkspace(deps, body.team?.id), actor, roomId, key };
    };
    let outcome: Outcome;
    try {
      outcome = await submit({ asked, args, log });
    } catch (e) {
      const named = isDomainError(e) && e.field && view.state.values[e.field] ? e.field : undefined;
      const field = fieldOf?.(e, args) ?? named ?? (typeof fallback === 'string' ? fallback : fallback(args));
      await ack({ response_action: 'errors', errors: { [field]: bare && isDomainError(e) ? mrkdwn(refusalText(e)) : errorText(e, log) } });
      return;
    }
    await ack();
    try {
      const reply = replyOf(outcome);
      if (reply && room) await client.chat.postEphemeral({ channel: room, user: actor, text: reply.text });
      await outcome.after?.();
    } catch (err) {
      log.warn({ err }, 'talk after a form failed');
    }
  };
}
