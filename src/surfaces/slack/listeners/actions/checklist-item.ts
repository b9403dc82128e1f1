// Done / Skip / Undo on a checklist step. Skip opens the reason modal first, while the trigger_id is
// fresh; Done and Undo are decided under the incident's lock and the loser of a race is told who won.
// The checklist message and the header (its progress, the status) are refreshed after each change.
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { findItem } from '../../../../core/runbook/checklists.js';
import { parseItemAction } from '../../blocks/checklist.js';
import { skipModal } from '../../blocks/skip-modal.js';
import { refreshChecklist } from '../../checklist-messages.js';
import type { SlackDeps } from '../../context.js';
import { refreshHeader } from '../../room.js';
import { click } from './click.js';

export const checklistItem = (deps: SlackDeps) =>
  click(deps, async ({ ws, actor, roomId, log, args }) => {
    const parsed = parseItemAction(args.action.action_id);
    const incidentId = args.action.value ?? '';
    if (!parsed) throw new DomainError(ErrorCode.IncidentNotFound, 'That step is not part of this incident.');
    if (parsed.verb === 'skip') {
      await deps.checklists.assertMaySkip(ws, { incidentId, roomId }, actor, parsed.itemId);
      const found = findItem(deps.checklists.runbook, parsed.itemId);
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: skipModal({ incidentId, itemId: parsed.itemId, roomId }, found?.item.text ?? parsed.itemId) });
      return;
    }
    const { state, result } = await deps.checklists.act(ws, { incidentId, roomId }, actor, parsed.verb, parsed.itemId);
    await refreshChecklist(args.client, deps, ws, state, result.checklist, log.child({ incident: incidentId }));
    // The header shows each checklist's progress and the status a first triage step moves.
    await refreshHeader(args.client, deps, ws, state, log.child({ incident: incidentId }));
  });
