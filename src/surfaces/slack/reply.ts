// The Slack surface's one error handler: a coded domain error becomes a message that says what was
// wrong and how to do it right; anything else is logged with an id the responder can quote.
import { randomUUID } from 'node:crypto';
import { refusalText } from '../../app/core-text.js';
import { ErrorCode, isDomainError } from '../../core/errors.js';
import { mrkdwn } from './blocks/rich.js';
import type { Logger } from '../../log.js';

export function errorText(e: unknown, log: Logger): string {
  if (isDomainError(e)) return `${e.code === ErrorCode.GateRefused ? ':no_entry:' : ':warning:'} ${mrkdwn(refusalText(e))}`;
  const ref = randomUUID().slice(0, 8);
  log.error({ err: e, ref }, 'unexpected error in a Slack listener');
  return `:x: Sorry, something went wrong on our side (ref ${ref}). Nothing was changed by this request; try again, and quote the ref if it repeats.`;
}
