// `/incident actions`: the §6 actions with Run buttons, requests awaiting approval, actions in force.
import { slackWorkspace } from '../../context.js';
import { actionsOverview } from '../../blocks/actions.js';
import type { Subcommand } from './types.js';

export const actions: Subcommand = async ({ deps, input }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  const view = actionsOverview(deps.actions.catalog.actions, deps.actions.awaitingApproval(here), deps.actions.inForce(here));
  return { reply: view.text, blocks: view.blocks };
};
