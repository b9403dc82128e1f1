// "Post update" (header and reminders) opens the update form; "Snooze 5 min" delays the next
// reminder once per cycle.
import { updateModal } from '../../blocks/update.js';
import type { SlackDeps } from '../../context.js';
import { click } from './click.js';

export const openUpdate = (deps: SlackDeps) =>
  click(deps, 'incident', async ({ asked, args }) => {
    const { mitigationOptions } = await deps.app.updateForm(asked);
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: updateModal(asked.roomId ?? '', mitigationOptions, asked.actor) });
  }, { ackFirst: true });

export const snoozeUpdate = (deps: SlackDeps) => click(deps, 'incident', async ({ asked }) => deps.app.snooze(asked));
