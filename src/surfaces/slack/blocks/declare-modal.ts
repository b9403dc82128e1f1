// The /incident declare modal. Block ids are the core's field names, so a core validation error
// lands beside the field it concerns.
import type { types } from '@slack/bolt';
import type { DeclareFormView } from '../../../core/views/incident.js';
import { clip, md, plain } from './text.js';

export const DECLARE_CALLBACK = 'declare_incident';
export const VALUE = 'value';

export type DeclareMetadata = { origin: string | null };

const textInput = (blockId: string, label: string, hint: string, initial?: string): types.KnownBlock => ({
  type: 'input',
  block_id: blockId,
  optional: blockId !== 'title',
  label: plain(label, 2000),
  hint: plain(hint, 2000),
  element: {
    type: 'plain_text_input',
    action_id: VALUE,
    max_length: blockId === 'title' ? 150 : 2000,
    ...(initial ? { initial_value: clip(initial, 150) } : {}),
  },
});

export function declareModal(form: DeclareFormView, declarer: string, meta: DeclareMetadata): types.ModalView {
  return {
    type: 'modal',
    callback_id: DECLARE_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain('Declare an incident', 24),
    submit: plain('Declare', 24),
    close: plain('Cancel', 24),
    blocks: [
      textInput('title', 'Title', 'What is broken, in a few words.', form.title),
      {
        type: 'input',
        block_id: 'severity',
        label: plain('Severity (runbook §4)'),
        element: {
          type: 'radio_buttons',
          action_id: VALUE,
          options: form.severities.map((s) => ({ text: plain(s.value, 75), description: plain(s.definition, 75), value: s.value })),
        },
      },
      {
        type: 'context',
        elements: [md(form.severities.map((s) => `*${s.value}*: ${s.definition}`).join('\n'))],
      },
      {
        type: 'input',
        block_id: 'symptom',
        optional: true,
        label: plain('Symptom (runbook §10)'),
        hint: plain('Attaches the matching §6 playbook right away.'),
        element: {
          type: 'static_select',
          action_id: VALUE,
          placeholder: plain('What are you seeing?', 150),
          options: form.symptoms.map((s) => ({ text: plain(s.label, 75), value: s.value })),
        },
      },
      {
        type: 'input',
        block_id: 'areas',
        optional: true,
        label: plain('Affected areas (runbook §1)'),
        element: {
          type: 'checkboxes',
          action_id: VALUE,
          options: form.areas.map((a) => ({ text: plain(a.label, 75), description: plain(a.detail, 75), value: a.value })),
        },
      },
      textInput('tenants', 'Impacted tenants', 'Comma-separated, for example acme, globex.'),
      textInput('channels', 'Impacted channels', 'Comma-separated release channels.'),
      textInput('environments', 'Impacted environments', 'Comma-separated, for example prod-eu, staging.'),
      {
        type: 'input',
        block_id: 'integrityUncertain',
        optional: true,
        label: plain('Integrity or isolation'),
        element: {
          type: 'checkboxes',
          action_id: VALUE,
          options: [{ text: plain('Integrity or isolation is uncertain', 75), description: plain('Requires SEV0 or SEV1 (runbook §4).', 75), value: 'yes' }],
        },
      },
      {
        type: 'input',
        block_id: 'commander',
        optional: true,
        label: plain('Incident Commander'),
        hint: plain('Defaults to you.'),
        element: { type: 'users_select', action_id: VALUE, initial_user: declarer },
      },
      { type: 'context', elements: [md(clip(form.floorNote, 3000))] },
    ],
  };
}
