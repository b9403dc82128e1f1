// `/incident severity SEV<n> [reason]`
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { parseSeverity } from '../../../../core/incidents/rules.js';
import { escape } from '../../blocks/text.js';
import { slackWorkspace } from '../../context.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import type { Subcommand } from './types.js';

export const severity: Subcommand = async ({ deps, client, input, log }) => {
  const [level, ...why] = input.args;
  if (!level) throw new DomainError(ErrorCode.BadSeverity, 'Write it as `/incident severity SEV<0-4> [reason]`, for example `/incident severity SEV1 spreading to more tenants`.');
  const to = parseSeverity(level);
  const reason = why.join(' ') || null;
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  const { state, result } = await deps.incidents.changeSeverity(ws, here.incident.id, input.userId, to, reason);
  if (!result) return { reply: `The incident is already ${to}.` };
  return {
    reply: `Done: severity is now ${to}.`,
    after: async () => {
      const because = reason ? `: ${escape(reason)}` : '';
      await announceInRoom(client, deps, ws, state, `Severity changed from ${result.from} to *${to}* by <@${input.userId}>${because}.\n_${deps.incidents.model.severities[to]}_`, log);
      await refreshHeader(client, deps, ws, state, log);
    },
  };
};
