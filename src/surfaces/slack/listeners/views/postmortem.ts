// Submissions of the postmortem, corrective-action and external-update forms.
import { readExternalForm, readFollowupForm, readPostmortemForm, readRoom } from '../../blocks/postmortem.js';
import type { SlackDeps } from '../../context.js';
import { submission, type SubmitArgs } from './submission.js';

const roomOf = (args: SubmitArgs) => {
  const roomId = readRoom(args.view.private_metadata);
  if (!roomId) throw new Error('form without its channel');
  return roomId;
};

export const savePostmortem = (deps: SlackDeps) =>
  submission(deps, { fallback: 'rootCauseTechnical' }, async ({ asked, args }) => deps.app.saveSections({ ...(await asked(roomOf(args))), fields: readPostmortemForm(args.view.state.values) }));

export const addFollowup = (deps: SlackDeps) =>
  submission(deps, { fallback: 'title' }, async ({ asked, args }) => deps.app.followupAdd({ ...(await asked(roomOf(args))), ...readFollowupForm(args.view.state.values) }));

export const draftExternal = (deps: SlackDeps) =>
  submission(deps, { fallback: 'customerImpact' }, async ({ asked, args }) => deps.app.external({ ...(await asked(roomOf(args))), ...readExternalForm(args.view.state.values) }));
