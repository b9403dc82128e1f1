// One place that wires every Slack listener to the app.
import type { App, BlockButtonAction } from '@slack/bolt';
import { DECLARE_CALLBACK } from '../blocks/declare-modal.js';
import type { SlackDeps } from '../context.js';
import { RETRY_PROVISION_ACTION } from '../provision.js';
import { retryProvision } from './actions/retry-provision.js';
import { TAKE_ROLE_PATTERN, takeRole } from './actions/take-role.js';
import { registerCommands } from './commands/index.js';
import { declareSubmission } from './views/declare.js';

export function registerListeners(app: App, deps: SlackDeps) {
  registerCommands(app, deps);
  app.view(DECLARE_CALLBACK, declareSubmission(deps));
  app.action<BlockButtonAction>(TAKE_ROLE_PATTERN, takeRole(deps));
  app.action<BlockButtonAction>(RETRY_PROVISION_ACTION, retryProvision(deps));
}
