// `/incident declare [title]`: the modal opens first, while the trigger_id is fresh.
import { declareModal } from '../../blocks/declare-modal.js';
import type { Subcommand } from './types.js';

export const declare: Subcommand = async ({ deps, client, input }) => ({
  after: async () => {
    await client.views.open({ trigger_id: input.triggerId, view: declareModal(deps.app.declareForm(input.rest), input.userId, { origin: input.channelId }) });
  },
});
