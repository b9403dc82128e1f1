// The playbook list's "Attach" and the escalation prompt's "Raise to SEVn" buttons. Both act on the
// incident of the channel they are clicked in; the id in the payload must match it.
import { incidentNotFound } from '../../../../core/errors.js';
import { parseAttachPlaybook, parseRaiseSeverity } from '../../blocks/playbooks.js';
import type { SlackDeps } from '../../context.js';
import { click } from './click.js';

export const attachPlaybook = (deps: SlackDeps) =>
  click(deps, 'incident', async ({ asked, args }) => deps.app.attachPlaybook({ ...asked, incidentId: args.action.value ?? '', playbook: parseAttachPlaybook(args.action.action_id) ?? '' }));

export const raiseSeverity = (deps: SlackDeps) =>
  click(deps, 'incident', async ({ asked, args }) => {
    const to = parseRaiseSeverity(args.action.action_id);
    if (!to) throw incidentNotFound();
    // The prompt clicked is re-rendered without its buttons once the raise is done or moot.
    const promptRef = args.body.message?.ts;
    return deps.app.raiseSeverity({ ...asked, incidentId: args.action.value ?? '', to, ...(promptRef ? { promptRef } : {}) });
  });
