// The declare modal's submission: save first (so errors can still show in the modal), ack, then
// build the channel. The view id is the idempotency key: a resubmission finds the first incident.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { splitList } from '../../../../core/incidents/declare-input.js';
import { isDomainError } from '../../../../core/errors.js';
import type { Area, Severity } from '../../../../core/incidents/model.js';
import { VALUE, type DeclareMetadata } from '../../blocks/declare-modal.js';
import { slackWorkspace, type SlackDeps } from '../../context.js';
import { provisionRoom } from '../../provision.js';
import { errorText } from '../../reply.js';

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

export function declareSubmission(deps: SlackDeps) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const actor = body.user.id;
    const log = deps.log.child({ team: body.team?.id, user: actor, view: view.id });
    let declared;
    try {
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      const { state, created } = await deps.incidents.declare(ws, actor, view.id, readMetadata(view.private_metadata).origin, readDeclareForm(view.state.values));
      declared = { ws, state, created };
    } catch (e) {
      const field = isDomainError(e) && e.field && view.state.values[e.field] ? e.field : 'title';
      await ack({ response_action: 'errors', errors: { [field]: errorText(e, log) } });
      return;
    }
    await ack();
    const incidentLog = log.child({ incident: declared.state.incident.id });
    incidentLog.info({ number: declared.state.incident.number, created: declared.created }, 'incident declared');
    // A resubmission or a retry delivery found the first incident: its set-up is already under way.
    if (declared.created) {
      deps.background(() => provisionRoom(client, deps, declared.ws, declared.state, incidentLog)).catch((err) => incidentLog.error({ err }, 'incident set-up failed'));
    }
  };
}
