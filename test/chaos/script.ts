// The scripted incident of a chaos run, as people drive it over signed Slack HTTP: declare, take
// roles, tick triage steps, post an update, run a manual containment action and confirm it, raise the
// severity, post another update, then let reminders fall due. Each step that changes something
// records the timeline event it must leave exactly once, if its delivery was acked.
import { loadActionCatalog } from '../../src/core/actions/catalog.js';
import type { Db } from '../../src/db/client.js';
import type { FakeSlackApi } from '../fakes/slack-api.js';
import { requestSubmission, updateSubmission } from '../support/slack-forms.js';
import { buttonClick, commandBody, declareSubmission, type Actor } from '../support/slack-requests.js';
import { sleep, type Deliveries } from './deliveries.js';

/** One change a person asked for, and the event it must leave in its incident's timeline. */
export type Expected = { what: string; title: string; type: string; data: Record<string, unknown>; acked: boolean };

const IC = 'UIC';
const OPS = 'UOPS';
const SEC = 'USEC';
const TICKED = ['triage.impacted-scope', 'triage.snapshot-build-record', 'triage.snapshot-validation-reports'];
const PAUSE = loadActionCatalog().actions.find((a) => a.id === 'pause-auto-activation')!;

export type ScriptContext = {
  db: Db;
  /** What people see in Slack. */
  slack: FakeSlackApi;
  deliveries: Deliveries;
  responseUrl: string;
  expected: Expected[];
  /** Changes the bot refused (their form came back with errors): a sign the script met an unexpected state. */
  refused: string[];
  /** How long to wait for a room or an action's prompt: past a dead process's lease and the set-up safety net. */
  waitMs: number;
  /** How long the incident stays open at the end for reminders to fall due. */
  dwellMs: number;
};

const at = (room: string, user: string): Actor => ({ team: 'T1', user, channel: room });
const postKey = (metadata: unknown) => (metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;

export async function runIncident(c: ScriptContext, runId: string, n: number): Promise<void> {
  const title = `Chaos ${runId} incident ${n}`;
  const change = async (what: string, payload: string, type: string, data: Record<string, unknown> = {}) => {
    const { acked, refused } = await c.deliveries.send(payload);
    if (refused) c.refused.push(`${title}: ${what}`);
    else c.expected.push({ what, title, type, data, acked });
    return acked && !refused;
  };

  const general: Actor = { team: 'T1', user: IC, channel: 'CGENERAL' };
  const declared = await change('declare', declareSubmission(general, `VCHAOS${runId}N${n}`, { title, severity: 'SEV2', areas: ['distribution_activation'], tenants: 'acme', channels: 'stable' }), 'incident.declared');
  if (!declared) return;
  const incident = await waitFor(c, () => c.db.incident.findFirst({ where: { title, roomId: { not: null } } }));
  if (!incident) return;
  const room = incident.roomId!;
  const click = (who: string, actionId: string, value: string) => buttonClick(at(room, who), actionId, value, c.responseUrl);
  // People click a message's buttons once they see it: the header's for roles, the checklist's for steps.
  const shown = (view: string) => waitFor(c, async () => c.slack.messages.get(room)?.find((m) => postKey(m.metadata)?.startsWith(`${incident.id}:${view}:`)) ?? null);
  if (!(await shown('header'))) return;

  await change('take ops', click(OPS, 'take_role:ops', incident.id), 'role.assigned', { role: 'ops', userId: OPS });
  await change('take sec', click(SEC, 'take_role:sec', incident.id), 'role.assigned', { role: 'sec', userId: SEC });
  if (!(await shown('checklist:triage'))) return;
  for (const item of TICKED) await change(`tick ${item}`, click(IC, `item:done:${item}`, incident.id), 'checklist.item.done', { itemId: item });
  await update(change, room, `${title}: first update`);

  const requested = await change('request pause', requestSubmission(at(room, OPS), room, PAUSE, { tenant: 'acme', channel: 'stable' }), 'action.requested', { actionId: PAUSE.id });
  if (requested) {
    const prompted = await waitFor(c, () => c.db.actionRequest.findFirst({ where: { incidentId: incident.id, actionId: PAUSE.id, status: 'awaiting_confirmation' } }));
    if (prompted) await change('confirm pause', click(OPS, 'confirm_action:done', prompted.id), 'action.succeeded', { seq: prompted.seq });
  }

  const reason = `${title} spreading`;
  await change('raise severity', commandBody(at(room, IC), `severity sev1 ${reason}`, c.responseUrl), 'severity.changed', { to: 'SEV1', reason });
  await update(change, room, `${title}: second update`);
  await sleep(c.dwellMs);
}

type Change = (what: string, payload: string, type: string, data?: Record<string, unknown>) => Promise<boolean>;

function update(change: Change, room: string, text: string) {
  const form = { changed: text, impact: 'acme on stable: activation failing.', mitigation: 'freeze', nextActions: 'Verify the freeze holds.', owner: OPS };
  return change(`update "${text}"`, updateSubmission(at(room, IC), room, form), 'update.posted', { changed: text });
}

/** Polls the database until `find` gives a row, or gives up after the run's wait (null). */
async function waitFor<T>(c: ScriptContext, find: () => Promise<T | null>): Promise<T | null> {
  const deadline = Date.now() + c.waitMs;
  for (;;) {
    const row = await find();
    if (row || Date.now() > deadline) return row;
    await sleep(250);
  }
}
