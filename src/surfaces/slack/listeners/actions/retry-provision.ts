// "Retry" on the message that told the declarer their incident's set-up failed.
import { mrkdwn } from '../../blocks/rich.js';
import type { SlackDeps } from '../../context.js';
import { click } from './click.js';

// The set-up's Slack calls take longer than an ack may wait, so it runs after the ack.
export const retryProvision = (deps: SlackDeps) =>
  click(deps, 'incident', async ({ asked, args }) => ({
    after: async () => {
      const { reply } = await deps.app.retrySetup({ ...asked, incidentId: args.action.value ?? '' });
      if (reply?.kind === 'text') await args.respond({ replace_original: true, text: mrkdwn(reply.text) });
    },
  }));
