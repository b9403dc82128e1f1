// Run (opens the request form), Approve, Done/Failed (manual confirmation), Lift and Approve lift.
import { CONFIRM_ACTION, requestModal } from '../../blocks/actions.js';
import type { SlackDeps } from '../../context.js';
import { click } from './click.js';

export const runActionButton = (deps: SlackDeps) =>
  click(deps, async ({ asked, args }) => {
    // The button's value names the action; its action id only has to be unique in the message.
    const { action, prefill } = await deps.app.requestForm({ ...asked, actionId: args.action.value ?? '' });
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: requestModal(action, prefill, asked.roomId ?? '') });
  });

export const approveActionButton = (deps: SlackDeps) => click(deps, async ({ asked, args }) => deps.app.approveAction({ ...asked, requestId: args.action.value ?? '' }));

export const confirmActionButton = (deps: SlackDeps) =>
  click(deps, async ({ asked, args }) =>
    deps.app.confirmAction({ ...asked, requestId: args.action.value ?? '', result: args.action.action_id === `${CONFIRM_ACTION}:done` ? 'done' : 'failed' }),
  );

export const liftActionButton = (deps: SlackDeps) => click(deps, async ({ asked, args }) => deps.app.liftAction({ ...asked, requestId: args.action.value ?? '' }));

/** The second person's Approve on a lift that fails closed. */
export const approveLiftButton = (deps: SlackDeps) => click(deps, async ({ asked, args }) => deps.app.approveLift({ ...asked, requestId: args.action.value ?? '' }));
