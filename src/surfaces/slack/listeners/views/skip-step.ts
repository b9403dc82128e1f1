// The skip modal's submission: a reason is required; "not applicable" marks the step n/a instead.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { DomainError, ErrorCode, isDomainError } from '../../../../core/errors.js';
import { readSkipForm, readSkipMetadata } from '../../blocks/skip-modal.js';
import { refreshChecklist } from '../../checklist-messages.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { refreshHeader } from '../../room.js';

export function skipStep(deps: SlackDeps) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const actor = body.user.id;
    const log = deps.log.child({ team: body.team?.id, user: actor, view: view.id });
    const meta = readSkipMetadata(view.private_metadata);
    const form = readSkipForm(view.state.values);
    let outcome;
    try {
      if (!meta) throw new DomainError(ErrorCode.IncidentNotFound, 'That step is not part of this incident.');
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const verb = form.notApplicable ? 'na' : 'skip';
      outcome = { ws, ...(await deps.checklists.act(ws, { incidentId: meta.incidentId, roomId: meta.roomId }, actor, verb, meta.itemId, form.reason)) };
    } catch (e) {
      // Every refusal shows beside the reason: the form has no other field a responder can fix.
      await ack({ response_action: 'errors', errors: { reason: isDomainError(e) ? e.message : errorText(e, log) } });
      return;
    }
    await ack();
    await refreshChecklist(client, deps, outcome.ws, outcome.state, outcome.result.checklist, log);
    await refreshHeader(client, deps, outcome.ws, outcome.state, log);
  };
}
