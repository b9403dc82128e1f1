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

export function registerListeners(app: App, deps: SlackDeps) {
  registerCommands(app, deps);
  app.view(DECLARE_CALLBACK, declareSubmission(deps));
  app.action<BlockButtonAction>(TAKE_ROLE_PATTERN, takeRole(deps));
  app.action<BlockButtonAction>(RETRY_PROVISION_ACTION, retryProvision(deps));
  app.action<BlockButtonAction>(ITEM_ACTION_PATTERN, checklistItem(deps));
  app.view(SKIP_CALLBACK, skipStep(deps));
  app.action<BlockButtonAction>(ATTACH_PLAYBOOK_PATTERN, attachPlaybook(deps));
  app.action<BlockButtonAction>(RAISE_SEVERITY_PATTERN, raiseSeverity(deps));
  app.action<BlockButtonAction>(OPEN_UPDATE_ACTION, openUpdate(deps));
  app.action<BlockButtonAction>(SNOOZE_ACTION, snoozeUpdate(deps));
  app.view(UPDATE_CALLBACK, postUpdate(deps));
  app.view(POSTMORTEM_CALLBACK, savePostmortem(deps));
  app.view(FOLLOWUP_CALLBACK, addFollowup(deps));
  app.view(EXTERNAL_CALLBACK, draftExternal(deps));
  app.action<BlockButtonAction>(new RegExp(`^${RUN_ACTION}:`), runActionButton(deps));
  app.action<BlockButtonAction>(APPROVE_ACTION, approveActionButton(deps));
  app.action<BlockButtonAction>(new RegExp(`^${CONFIRM_ACTION}:`), confirmActionButton(deps));
  app.action<BlockButtonAction>(new RegExp(`^${LIFT_ACTION}:`), liftActionButton(deps));
  app.action<BlockButtonAction>(new RegExp(`^${APPROVE_LIFT}:`), approveLiftButton(deps));
  app.view(REQUEST_CALLBACK, actionRequest(deps));
}
