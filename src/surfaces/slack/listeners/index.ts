// One place that wires every Slack listener to the app.
import type { App, BlockButtonAction } from '@slack/bolt';
import { APPROVE_ACTION, CONFIRM_ACTION, REQUEST_CALLBACK, RUN_ACTION } from '../blocks/actions.js';
import { APPROVE_LIFT, LIFT_ACTION } from '../blocks/header.js';
import { ITEM_ACTION_PATTERN } from '../blocks/checklist.js';
import { DECLARE_CALLBACK } from '../blocks/declare-modal.js';
import { ATTACH_PLAYBOOK_PATTERN, RAISE_SEVERITY_PATTERN } from '../blocks/playbooks.js';
import { EXTERNAL_CALLBACK, FOLLOWUP_CALLBACK, POSTMORTEM_CALLBACK } from '../blocks/postmortem.js';
import { SKIP_CALLBACK } from '../blocks/skip-modal.js';
import { OPEN_UPDATE_ACTION, SNOOZE_ACTION, UPDATE_CALLBACK } from '../blocks/update.js';
import type { SlackDeps } from '../context.js';
import { edgeMiddleware, matches } from '../edge/middleware.js';
import { RETRY_PROVISION_ACTION } from '../render.js';
import { approveActionButton, approveLiftButton, confirmActionButton, liftActionButton, runActionButton } from './actions/action-buttons.js';
import { checklistItem } from './actions/checklist-item.js';
import { attachPlaybook, raiseSeverity } from './actions/playbook-buttons.js';
import { retryProvision } from './actions/retry-provision.js';
import { openUpdate, snoozeUpdate } from './actions/update-buttons.js';
import { TAKE_ROLE_PATTERN, takeRole } from './actions/take-role.js';
import { registerCommands } from './commands/index.js';
import { declareSubmission } from './views/declare.js';
import { actionRequest } from './views/action-request.js';
import { postUpdate } from './views/post-update.js';
import { addFollowup, draftExternal, savePostmortem } from './views/postmortem.js';
import { skipStep } from './views/skip-step.js';

type Handler = (deps: SlackDeps) => (args: never) => Promise<void>;

const ACTIONS: [string | RegExp, Handler][] = [
  [TAKE_ROLE_PATTERN, takeRole],
  [RETRY_PROVISION_ACTION, retryProvision],
  [ITEM_ACTION_PATTERN, checklistItem],
  [ATTACH_PLAYBOOK_PATTERN, attachPlaybook],
  [RAISE_SEVERITY_PATTERN, raiseSeverity],
  [OPEN_UPDATE_ACTION, openUpdate],
  [SNOOZE_ACTION, snoozeUpdate],
  [new RegExp(`^${RUN_ACTION}:`), runActionButton],
  [APPROVE_ACTION, approveActionButton],
  [new RegExp(`^${CONFIRM_ACTION}:`), confirmActionButton],
  [new RegExp(`^${LIFT_ACTION}:`), liftActionButton],
  [new RegExp(`^${APPROVE_LIFT}:`), approveLiftButton],
];

const VIEWS: [string, Handler][] = [
  [DECLARE_CALLBACK, declareSubmission],
  [SKIP_CALLBACK, skipStep],
  [UPDATE_CALLBACK, postUpdate],
  [POSTMORTEM_CALLBACK, savePostmortem],
  [FOLLOWUP_CALLBACK, addFollowup],
  [EXTERNAL_CALLBACK, draftExternal],
  [REQUEST_CALLBACK, actionRequest],
];

/** The ids the bot handles, for the edge's ack of everything else (and for the fuzz tests). */
export const KNOWN = { actions: ACTIONS.map(([m]) => m), views: VIEWS.map(([id]) => id) };

/** The handler of the first entry whose id or pattern matches `id`. */
function route(table: [string | RegExp, Handler][], deps: SlackDeps) {
  const built = table.map(([m, handler]) => [m, handler(deps)] as const);
  return (id: string) => built.find(([m]) => matches(m, id))?.[1];
}

// One Bolt listener per kind, routing by id. Bolt runs every registered listener's filters on every
// request; with a listener per button, a CPU profile showed that at about 0.25 ms per click. The
// edge has acked any id that no entry matches.
export function registerListeners(app: App, deps: SlackDeps) {
  app.use(edgeMiddleware(KNOWN, deps.log));
  registerCommands(app, deps);
  const action = route(ACTIONS, deps);
  app.action<BlockButtonAction>(/./, async (args) => action(args.action.action_id)?.(args as never));
  const view = route(VIEWS, deps);
  app.view(/./, async (args) => view(args.view.callback_id)?.(args as never));
}
