// The skip modal's submission: a reason is required; "not applicable" marks the step n/a instead.
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { readSkipForm, readSkipMetadata } from '../../blocks/skip-modal.js';
import type { SlackDeps } from '../../context.js';
import { submission } from './submission.js';

export const skipStep = (deps: SlackDeps) =>
  // Every refusal shows beside the reason, in plain words: the form has no other field to fix.
  submission(deps, { fallback: 'reason', fieldOf: () => 'reason', bare: true }, async ({ asked, args }) => {
      const meta = readSkipMetadata(args.view.private_metadata);
      if (!meta) throw new DomainError(ErrorCode.IncidentNotFound, 'That step is not part of this incident.');
      const form = readSkipForm(args.view.state.values);
      return deps.app.step({ ...(await asked(meta.roomId)), incidentId: meta.incidentId, verb: form.notApplicable ? 'na' : 'skip', itemId: meta.itemId, reason: form.reason });
  });
