// `/incident declare [title]`: the modal opens first, while the trigger_id is fresh.
import { declareFormView } from '../../../../core/views/incident.js';
import { declareModal } from '../../blocks/declare-modal.js';
import type { Subcommand } from './types.js';

export const declare: Subcommand = async ({ deps, client, input }) => ({
  after: async () => {
    const form = declareFormView(deps.incidents.model, deps.checklists.runbook, input.rest);
    await client.views.open({ trigger_id: input.triggerId, view: declareModal(form, input.userId, { origin: input.channelId }) });
  },
});
