// The declare modal's submission: save first (so errors can still show in the modal), ack, then
// build the room. The view id is the idempotency key: a resubmission finds the first incident.
import type { ViewSubmitAction } from '@slack/bolt';
import { splitList } from '../../../../core/incidents/declare-input.js';
import type { Area, Severity } from '../../../../core/incidents/model.js';
import { VALUE, type DeclareMetadata } from '../../blocks/declare-modal.js';
import type { SlackDeps } from '../../context.js';
import { submission } from './submission.js';

type Values = ViewSubmitAction['view']['state']['values'];

export function readDeclareForm(values: Values) {
  const field = (block: string) => values[block]?.[VALUE];
  const picked = (block: string) => (field(block)?.selected_options ?? []).map((o) => o.value);
  return {
    title: field('title')?.value ?? '',
    severity: field('severity')?.selected_option?.value as Severity,
    areas: picked('areas') as Area[],
    tenants: splitList(field('tenants')?.value),
    channels: splitList(field('channels')?.value),
    environments: splitList(field('environments')?.value),
    integrityUncertain: picked('integrityUncertain').includes('yes'),
    commander: field('commander')?.selected_user ?? undefined,
    symptom: field('symptom')?.selected_option?.value ?? undefined,
  };
}

function readMetadata(raw: string): DeclareMetadata {
  try {
    const meta = JSON.parse(raw) as Partial<DeclareMetadata>;
    return { origin: typeof meta.origin === 'string' ? meta.origin : null };
  } catch {
    return { origin: null };
  }
}

export const declareSubmission = (deps: SlackDeps) =>
  submission(deps, { fallback: 'title' }, async ({ asked, args }) => {
    const { view } = args;
    // The view id alone keys a declaration: however the form is resubmitted, one incident.
    return deps.app.declare({ ...(await asked(readMetadata(view.private_metadata).origin, view.id)), input: readDeclareForm(view.state.values) });
  });
