// An application-layer outcome as a subcommand's result: its answer rendered for the ack.
import type { Outcome } from '../../../../app/intent.js';
import { replyOf } from '../../context.js';
import type { CommandResult } from './types.js';

export function fromOutcome(outcome: Outcome): CommandResult {
  const reply = replyOf(outcome);
  return { reply: reply?.text, blocks: reply?.blocks, after: outcome.after };
}
