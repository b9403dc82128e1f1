// The console's one frame around an intent: the reply goes privately to the person at once, the room
// talk runs after it, and an error becomes a private answer that says what was wrong and how to do it
// right (a form's error goes back to the form, beside its field). Unexpected errors get a reference.
import { randomUUID } from 'node:crypto';
import type { Outcome } from '../../app/intent.js';
import { refusalText } from '../../app/core-text.js';
import { ErrorCode, isDomainError } from '../../core/errors.js';
import { icon, plain, t, type Rich } from '../../core/views/rich-text.js';
import type { Logger } from '../../log.js';
import type { ConsoleChat } from './console-chat.js';
import type { Answer, ConsoleAsk } from './routes.js';

export type Frame = (ask: ConsoleAsk, run: () => Promise<Outcome | Answer>, opts?: { form?: boolean }) => Promise<Answer>;

const isOutcome = (v: Outcome | Answer): v is Outcome => 'reply' in v || 'after' in v;

export function consoleFrame(chat: ConsoleChat, log: Logger): Frame {
  const tell = (ask: ConsoleAsk, text: Rich) => chat.tell(ask.ws, { userId: ask.person, roomId: ask.roomId }, { kind: 'text', text });

  const failed = async (ask: ConsoleAsk, e: unknown, form: boolean): Promise<Answer> => {
    if (isDomainError(e)) {
      if (form) return { error: plain(refusalText(e)), ...(e.field ? { field: e.field } : {}) };
      await tell(ask, t`${icon(e.code === ErrorCode.GateRefused ? 'refused' : 'warning')} ${refusalText(e)}`);
      return {};
    }
    const ref = randomUUID().slice(0, 8);
    log.error({ err: e, ref, workspace: ask.ws.id, room: ask.roomId, person: ask.person }, 'unexpected error in a console request');
    const text = `Sorry, something went wrong on our side (ref ${ref}). Nothing was changed by this request; try again, and quote the ref if it repeats.`;
    if (form) return { error: text };
    await tell(ask, t`${icon('failed')} ${text}`);
    return {};
  };

  return async (ask, run, opts = {}) => {
    let result: Outcome | Answer;
    try {
      result = await run();
    } catch (e) {
      return failed(ask, e, opts.form ?? false);
    }
    if (!isOutcome(result)) return result;
    if (result.reply) await chat.tell(ask.ws, { userId: ask.person, roomId: ask.roomId }, result.reply);
    // The room talk arrives on the page live; the request has its answer already.
    if (result.after) void result.after().catch((e) => failed(ask, e, false));
    return {};
  };
}
