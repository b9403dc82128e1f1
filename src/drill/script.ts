// The drill's scripted incident: a SEV1 signing-key compromise (runbook §6.7) with its leads in place,
// declared through the application layer like any other, so the sped-up clock brings its triage
// reminder, update reminders, escalations, approval expiry and postmortem reminders in real time.
import type { IncidentApp } from '../app/app.js';
import type { Workspace } from '../core/incidents/model.js';

/** Its delivery key: starting the same drill data folder again does not declare a second incident. */
export const DRILL_KEY = 'drill:scripted-sev1';

export const DRILL_INCIDENT = {
  title: 'Drill: signing key may be exposed',
  severity: 'SEV1',
  areas: ['trust_roots_keys', 'distribution_activation'],
  tenants: ['acme'],
  channels: ['stable'],
  environments: ['prod-eu'],
  integrityUncertain: true,
  commander: 'ic',
} as const;

export async function declareDrill(app: IncidentApp, ws: Workspace, origin: string): Promise<void> {
  const asked = { ws, actor: 'ic', roomId: origin, key: DRILL_KEY };
  const i = DRILL_INCIDENT;
  const declared = await app.declare({ ...asked, input: { ...i, areas: [...i.areas], tenants: [...i.tenants], channels: [...i.channels], environments: [...i.environments], drill: true } });
  await declared.after?.();
}
