// Done / Skip / Undo on a checklist step. Skip opens the reason modal first, while the trigger_id is
// fresh; Done and Undo are decided under the incident's lock and the loser of a race is told who won.
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { parseItemAction } from '../../blocks/checklist.js';
import { skipModal } from '../../blocks/skip-modal.js';
import type { SlackDeps } from '../../context.js';
import { click } from './click.js';

export const checklistItem = (deps: SlackDeps) =>
  click(deps, 'incident', async ({ asked, args }) => {
    const parsed = parseItemAction(args.action.action_id);
    const incidentId = args.action.value ?? '';
    if (!parsed) throw new DomainError(ErrorCode.IncidentNotFound, 'That step is not part of this incident.');
    if (parsed.verb === 'skip') {
      const text = await deps.app.maySkip({ ...asked, incidentId, itemId: parsed.itemId });
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: skipModal({ incidentId, itemId: parsed.itemId, roomId: asked.roomId ?? '' }, text) });
      return;
    }
    return deps.app.step({ ...asked, incidentId, verb: parsed.verb, itemId: parsed.itemId });
  });
