// The containment action form's submission: the gates decide; a refusal is recorded in the timeline
// and shown beside the form, an accepted request is announced and, when approved, runs at once.
import { OVERRIDE_BLOCK, readRequestForm, readRequestMetadata } from '../../blocks/actions.js';
import { isDomainError } from '../../../../core/errors.js';
import type { SlackDeps } from '../../context.js';
import { submission } from './submission.js';

export const actionRequest = (deps: SlackDeps) =>
  submission(
    deps,
    {
      fallback: (args) => Object.keys(args.view.state.values)[0] ?? OVERRIDE_BLOCK,
      // A gate's refusal about evidence shows beside the override reason, when the form has one.
      fieldOf: (e, args) => (isDomainError(e) && e.field === 'override' && args.view.state.values[OVERRIDE_BLOCK] ? OVERRIDE_BLOCK : undefined),
    },
    async ({ asked, args }) => {
      const meta = readRequestMetadata(args.view.private_metadata);
      if (!meta) throw new Error('action form without its metadata');
      const form = readRequestForm(deps.app.catalog.actions.find((a) => a.id === meta.actionId) ?? deps.app.catalog.actions[0]!, args.view.state.values);
      return deps.app.requestAction({ ...(await asked(meta.roomId)), actionId: meta.actionId, params: form.params, override: form.override });
    },
  );
