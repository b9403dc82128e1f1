// `/incident actions`: the §6 actions with Run buttons, requests awaiting approval, actions in force.
import { slackWorkspace } from '../../context.js';
import { actionsOverview } from '../../blocks/actions.js';
import type { Subcommand } from './types.js';

export const actions: Subcommand = async ({ deps, input }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  const withEntry = (status: string) => here.actions.filter((r) => r.status === status).map((request) => ({ request, action: deps.actions.action(request.actionId) }));
  const view = actionsOverview(deps.actions.catalog.actions, withEntry('awaiting_approval'), deps.actions.inForce(here));
  return { reply: view.text, blocks: view.blocks };
};
