// `/incident update`: opens the §7.1 update form at once; the incident is resolved from the channel
// when the form comes back.
import { updateModal } from '../../blocks/update.js';
import type { Subcommand } from './types.js';

export const update: Subcommand = async ({ deps, client, input }) => ({
  after: async () => {
    await client.views.open({ trigger_id: input.triggerId, view: updateModal(input.channelId, deps.cadence.cadence.mitigationOptions, input.userId) });
  },
});
