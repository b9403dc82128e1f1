// `/incident assign <role> @user`
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { parseRole } from '../../../../core/incidents/rules.js';
import { slackWorkspace } from '../../context.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import type { Subcommand } from './types.js';

const USAGE = 'Write it as `/incident assign <role> @user`, for example `/incident assign ops @dana`.';

/** Slack escapes a mention as `<@U123|name>` (or `<@U123>`) when the command asks it to. */
export function mentionedUser(token: string | undefined): string {
  const m = token?.match(/^<@([A-Z0-9]+)(\|[^>]*)?>$/i);
  if (!m) throw new DomainError(ErrorCode.InvalidInput, `Name the person with an @-mention. ${USAGE}`);
  return m[1]!;
}

export const assign: Subcommand = async ({ deps, client, input, log }) => {
  if (input.args.length !== 2) throw new DomainError(ErrorCode.InvalidInput, USAGE);
  const role = parseRole(input.args[0]!);
  const userId = mentionedUser(input.args[1]);
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  const { state, result } = await deps.incidents.assignRole(ws, here.incident.id, input.userId, role, userId);
  const name = deps.incidents.model.roles[role].name;
  if (result.kind === 'unchanged') return { reply: `<@${userId}> already holds ${name}.` };
  return {
    reply: `Done: <@${userId}> is now ${name}.`,
    after: async () => {
      const was = result.previous ? `, taking over from <@${result.previous}>` : '';
      await announceInRoom(client, deps, ws, state, `<@${userId}> is now *${name}*${was} (assigned by <@${input.userId}>).`, log);
      await refreshHeader(client, deps, ws, state, log);
    },
  };
};
