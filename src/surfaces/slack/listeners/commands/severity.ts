// `/incident severity SEV<n> [reason]`
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { fromOutcome } from './outcome.js';
import type { Subcommand } from './types.js';

export const severity: Subcommand = async ({ deps, input, asked }) => {
  const [level, ...why] = input.args;
  if (!level) throw new DomainError(ErrorCode.BadSeverity, 'Write it as `/incident severity SEV<0-4> [reason]`, for example `/incident severity SEV1 spreading to more tenants`.');
  return fromOutcome(await deps.app.severity({ ...(await asked()), level, reason: why.join(' ') || null }));
};
