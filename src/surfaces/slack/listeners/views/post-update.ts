// The update form's submission: stored and in the timeline first, then posted in the channel and
// shown on the header with the time the next one is due.
import { readUpdateForm, readUpdateMetadata } from '../../blocks/update.js';
import type { SlackDeps } from '../../context.js';
import { submission } from './submission.js';

export const postUpdate = (deps: SlackDeps) =>
  submission(deps, { fallback: 'changed' }, async ({ asked, args }) => {
    const roomId = readUpdateMetadata(args.view.private_metadata);
    if (!roomId) throw new Error('update form without its channel');
    return deps.app.postUpdate({ ...(await asked(roomId)), fields: readUpdateForm(args.view.state.values) });
  });
