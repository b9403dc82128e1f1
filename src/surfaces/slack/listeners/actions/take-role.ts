// The header's "Take role" button. The incident id in the payload is a claim: the application layer
// checks it belongs to this workspace and to the channel the button was clicked in.
import { TAKE_ROLE_ACTION } from '../../blocks/header.js';
import type { SlackDeps } from '../../context.js';
import { click } from './click.js';

export const TAKE_ROLE_PATTERN = new RegExp(`^${TAKE_ROLE_ACTION}:`);

export const takeRole = (deps: SlackDeps) =>
  click(deps, 'incident', async ({ asked, args }) =>
    deps.app.takeRole({ ...asked, incidentId: args.action.value ?? '', role: args.action.action_id.slice(TAKE_ROLE_ACTION.length + 1) }),
  );
