// Run (opens the request form), Approve, Done/Failed (manual confirmation) and Lift.
import { prefill } from '../../../../core/actions/catalog.js';
import { describeRequest } from '../../../../core/actions/service.js';
import { DomainError, ErrorCode, incidentNotFound } from '../../../../core/errors.js';
import { manualOutcome } from '../../../../executors/manual.js';
import { postOutcome } from '../../action-runner.js';
import { CONFIRM_ACTION, liftMessage, requestModal } from '../../blocks/actions.js';
import type { SlackDeps } from '../../context.js';
import { refreshHeader } from '../../room.js';
import { click } from './click.js';

export const runActionButton = (deps: SlackDeps) =>
  click(deps, async ({ ws, roomId, args }) => {
    const here = await deps.incidents.inRoom(ws, roomId);
    // The button's value names the action; its action id only has to be unique in the message.
    const action = deps.actions.action(args.action.value ?? '');
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: requestModal(action, prefill(action, here.incident), roomId) });
  });

export const approveActionButton = (deps: SlackDeps) =>
  click(deps, async ({ ws, actor, roomId, log, tell, args }) => {
    const { state, result } = await deps.actions.approve(ws, roomId, actor, args.action.value ?? '');
    if (!result.ok) return void (await tell(`:no_entry: ${result.reason}`));
    const action = deps.actions.action(result.request.actionId);
    await args.client.chat.postMessage({ channel: roomId, text: `<@${actor}> approved ${describeRequest(result.request, action)}. Running.` });
    await deps.kick();
    log.info({ incident: state.incident.id, request: result.request.id }, 'action approved');
  });

export const confirmActionButton = (deps: SlackDeps) =>
  click(deps, async ({ ws, actor, roomId, log, args }) => {
    const here = await deps.incidents.inRoom(ws, roomId);
    const request = here.actions.find((a) => a.id === args.action.value);
    if (!request) throw incidentNotFound();
    const result = args.action.action_id === `${CONFIRM_ACTION}:done` ? 'done' : 'failed';
    const outcome = manualOutcome(request, { by: actor, result });
    if (!outcome) throw new DomainError(ErrorCode.NotAllowed, `Only <@${request.requestedBy}>, who requested it, can confirm request #${request.seq}.`);
    const recorded = await deps.actions.recordOutcome(ws, here.incident.id, request.id, outcome, 'confirmation');
    if (!recorded.changed) {
      const after = recorded.state.actions.find((a) => a.id === request.id);
      throw new DomainError(
        ErrorCode.InvalidInput,
        after?.outcomeAt ? `Request #${request.seq} already has its outcome.` : `Request #${request.seq} is ${after?.status.replace(/_/g, ' ')}, not waiting for a confirmation by hand.`,
      );
    }
    await postOutcome(args.client, deps, ws, recorded.state, `${describeRequest(request, deps.actions.action(request.actionId))}: *${outcome.status.replace('_', ' ')}* (confirmed by <@${actor}>).`, log);
  });

/** Lift, and the second person's Approve of a lift that fails closed: both end in the same messages. */
const liftButton = (deps: SlackDeps, decide: 'lift' | 'approveLift') =>
  click(deps, async ({ ws, actor, roomId, log, tell, args }) => {
    const { state, result } = await deps.actions[decide](ws, roomId, actor, args.action.value ?? '');
    if (!result.ok) return void (await tell(`:no_entry: ${result.reason}`));
    const message = liftMessage(actor, result.request, result.action, result.lift, result.approvers);
    await args.client.chat.postMessage({ channel: roomId, ...message });
    await refreshHeader(args.client, deps, ws, state, log);
    await deps.kick();
  });

export const liftActionButton = (deps: SlackDeps) => liftButton(deps, 'lift');
export const approveLiftButton = (deps: SlackDeps) => liftButton(deps, 'approveLift');
