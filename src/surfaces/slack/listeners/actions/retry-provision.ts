// "Retry" on the message that told the declarer their incident's set-up failed.
import { mrkdwn } from '../../blocks/rich.js';
import type { SlackDeps } from '../../context.js';
import { click } from './click.js';

export const retryProvision = (deps: SlackDeps) =>
  click(deps, 'incident', async ({ asked, args }) => {
    const { reply } = await deps.app.retrySetup({ ...asked, incidentId: args.action.value ?? '' });
    if (reply?.kind === 'text') await args.respond({ replace_original: true, text: mrkdwn(reply.text) });
  });
