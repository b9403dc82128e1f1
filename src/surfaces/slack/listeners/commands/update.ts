// `/incident update`: refuses outside an incident's channel, then opens the §7.1 update form.
import { updateModal } from '../../blocks/update.js';
import type { Subcommand } from './types.js';

export const update: Subcommand = async ({ deps, client, input, asked }) => {
  // A quick read, well inside the trigger_id's 3 seconds: refuse here rather than after the form is filled.
  const { mitigationOptions } = await deps.app.updateForm(await asked());
  return { after: async () => void (await client.views.open({ trigger_id: input.triggerId, view: updateModal(input.channelId, mitigationOptions, input.userId) })) };
};
