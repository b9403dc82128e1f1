// The frame every button listener shares: build the intent's `Asked` from the verified request, run
// the handler, ack, and answer any refusal or failure privately to whoever clicked. The change is
// saved before the ack: once Slack has its 200 it never sends the click again, so a process that died
// between an early ack and the commit would lose the click. Buttons that only open a form ack first.
import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Asked, Outcome } from '../../../../app/intent.js';
import type { Logger } from '../../../../log.js';
import { clickKey, replyOf, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { DomainError, ErrorCode, incidentNotFound } from '../../../../core/errors.js';
import { uuid } from '../../edge/schema.js';

export type ClickArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type Click = { asked: Asked; log: Logger; tell: (text: string) => Promise<unknown>; args: ClickArgs };

/** What a button's value names: the bot's own buttons carry incident and request ids (UUIDs) or a catalog action id. */
export type Carried = 'incident' | 'request' | 'action';

const CATALOG_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/i;

const notMadeHere = (carried: Carried) =>
  carried === 'incident' ? incidentNotFound() : new DomainError(ErrorCode.InvalidInput, 'That button was not made by this bot here; nothing was changed.');

/** A value that is not the shape the bot puts in this button was not made by the bot: refused before the app sees it. */
function checkValue(carried: Carried, value: string | undefined) {
  const ok = carried === 'action' ? CATALOG_ID.test(value ?? '') : uuid.safeParse(value).success;
  if (!ok) throw notMadeHere(carried);
}

/** The bot's buttons are only in workspaces it has posted in: a click from any other one writes no workspace for it. */
async function knownWorkspace(deps: SlackDeps, carried: Carried, teamId: string | undefined) {
  const ws = teamId ? await deps.app.knownWorkspace('slack', teamId) : undefined;
  if (!ws) throw notMadeHere(carried);
  return ws;
}

/** Runs a button's intent; its answer goes privately to the clicker, then its room talk runs. */
export function click(deps: SlackDeps, carried: Carried, handle: (c: Click) => Promise<Outcome | void>, opts: { ackFirst?: boolean } = {}) {
  return async (args: ClickArgs) => {
    const { body, action, client } = args;
    const actor = body.user.id;
    const roomId = body.channel?.id ?? '';
    const log = deps.log.child({ workspace: body.team?.id, user: actor, channel: roomId, action: action.action_id });
    let acked = false;
    // An ack later than Slack's 3 s finds the request answered already (Slack sends the click again,
    // and that delivery replays): the change stands, so the clicker is not told of an error.
    const ack = async () => {
      if (acked) return;
      acked = true;
      await args.ack().catch((err: unknown) => log.warn({ err }, 'the ack came too late; Slack will send the click again'));
    };
    if (opts.ackFirst) await ack();
    const tell = (text: string) => client.chat.postEphemeral({ channel: roomId, user: actor, text }).catch((err) => log.warn({ err }, 'ephemeral failed'));
    try {
      checkValue(carried, action.value);
      const ws = await knownWorkspace(deps, carried, body.team?.id);
      const asked: Asked = { ws, actor, roomId, key: clickKey({ actionTs: action.action_ts, actionId: action.action_id, userId: actor }) };
      const outcome = await handle({ asked, log, tell, args });
      await ack();
      if (!outcome) return;
      const reply = replyOf(outcome);
      if (reply) await client.chat.postEphemeral({ channel: roomId, user: actor, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks as never } : {}) }).catch((err) => log.warn({ err }, 'ephemeral failed'));
      await outcome.after?.();
    } catch (e) {
      await ack();
      await tell(errorText(e, log));
    }
  };
}
