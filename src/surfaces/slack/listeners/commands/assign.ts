// `/incident assign <role> @user`
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { fromOutcome } from './outcome.js';
import type { Subcommand } from './types.js';

const USAGE = 'Write it as `/incident assign <role> @user`, for example `/incident assign ops @dana`.';

/** Slack escapes a mention as `<@U123|name>` (or `<@U123>`) when the command asks it to. */
export function mentionedUser(token: string | undefined): string {
  const m = token?.match(/^<@([A-Z0-9]+)(\|[^>]*)?>$/i);
  if (!m) throw new DomainError(ErrorCode.InvalidInput, `Name the person with an @-mention. ${USAGE}`);
  return m[1]!;
}

export const assign: Subcommand = async ({ deps, input, asked }) => {
  if (input.args.length !== 2) throw new DomainError(ErrorCode.InvalidInput, USAGE);
  const userId = mentionedUser(input.args[1]);
  return fromOutcome(await deps.app.assign({ ...(await asked()), role: input.args[0]!, userId }));
};
