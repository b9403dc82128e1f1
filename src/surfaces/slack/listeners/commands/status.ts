// `/incident status`: the header, shown only to whoever asked.
import { slackWorkspace } from '../../context.js';
import { renderHeader } from '../../room.js';
import type { Subcommand } from './types.js';

export const status: Subcommand = async ({ deps, input }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const { text, blocks } = renderHeader(deps, await deps.incidents.inRoom(ws, input.channelId));
  return { reply: text, blocks };
};
