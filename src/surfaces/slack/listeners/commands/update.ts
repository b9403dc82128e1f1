// `/incident update`: opens the §7.1 update form at once; the incident is resolved from the channel
// when the form comes back.
import { updateModal } from '../../blocks/update.js';
import { slackWorkspace } from '../../context.js';
import type { Subcommand } from './types.js';

export const update: Subcommand = async ({ deps, client, input }) => {
  // A quick read, well inside the trigger_id's 3 seconds: refuse here rather than after the form is filled.
  await deps.incidents.inRoom(await slackWorkspace(deps, input.teamId), input.channelId);
  return {
    after: async () => {
      await client.views.open({ trigger_id: input.triggerId, view: updateModal(input.channelId, deps.cadence.cadence.mitigationOptions, input.userId) });
    },
  };
};
