// Fuzzing the Slack edge through the real server, signed as Slack signs: the /incident grammar and
// every interaction the bot handles (a click on each action id, a submission of each form), with
// their ids, values and shapes mangled. Never a 5xx, never an unhandled rejection, always an
// answer, and no row written by any of it. `npm run test:fuzz` runs it long (FUZZ_RUNS, FUZZ_SEED);
// inside `npm test` it runs a few seeded cases.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN } from '../../src/surfaces/slack/listeners/index.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait, type DeclaredIncident } from '../support/declared.js';
import { buttonClick, commandBody, interactionBody, postSigned, viewSubmission, type Actor } from '../support/slack-requests.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const SEED = Number(process.env.FUZZ_SEED ?? 1313);
const IC = 'UIC';

let t: TestBot;
let inc: DeclaredIncident;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
const rows = async () =>
  (await Promise.all([t.db.workspace.count(), t.db.incident.count(), t.db.timelineEvent.count(), t.db.job.count(), t.db.delivery.count(), t.db.actionRequest.count()])).join(',');

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  t = await startTestBot();
  inc = await declareAndWait(t, { team: 'T1', user: IC, channel: 'CGENERAL' }, 'VFUZZ', { title: 'Fuzzed incident', severity: 'SEV2', areas: ['distribution_activation'] });
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await t?.stop();
});

/** Sends one request; the server must answer it, never with a 5xx, and must write nothing. */
async function sendsNothingWritten(body: string) {
  const before = await rows();
  const res = await postSigned(t.eventsUrl, body);
  expect(res.status).toBeLessThan(500);
  // Bolt acks before the listener runs: a quiet moment lets any stray write land before counting.
  await new Promise((r) => setTimeout(r, 30));
  expect(await rows()).toBe(before);
  expect(unhandled).toEqual([]);
}

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '\u0000', '\u202Ehttps://x', 'T1', 'UIC', '<@UIC>', '<#C1|x>', 'null', ''),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
);
/** Claims that match no incident here: random UUIDs and non-UUIDs. */
const claim = fc.oneof(fc.uuid(), fc.string({ maxLength: 50 }));

const WORDS = ['declare', 'assign', 'severity', 'status', 'checklist', 'playbook', 'update', 'mitigate', 'resolve', 'reopen', 'case', 'list', 'postmortem', 'followup', 'external', 'actions', 'help', 'done', 'add', 'edit', 'sev0', 'SEV1', 'ops', '<@UOPS>', 'https://orgo.example/1', '__proto__', 'constructor', '#3'];
const commandText = fc
  .array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 6 })
  .map((w) => w.join(' '));

/** A sample id for each action pattern the bot handles. */
const ACTION_IDS = ['take_role:ops', 'retry_provision', 'item:done:triage.impacted-scope', 'item:skip:triage.impacted-scope', 'attach_playbook:bad-release', 'raise_severity:SEV1', 'open_update', 'snooze_update', 'run_action:isolate', 'approve_action', 'confirm_action:done', 'lift_action:x', 'approve_lift:x'];

describe('the edge under fuzzed input', () => {
  it('has a sample for every action id and callback id it handles', () => {
    for (const m of KNOWN.actions) expect(ACTION_IDS.some((id) => (typeof m === 'string' ? m === id : m.test(id)))).toBe(true);
  });

  it('answers every /incident command outside an incident room, and writes nothing', async () => {
    await postSigned(t.eventsUrl, commandBody({ team: 'T1', user: IC, channel: 'CFUZZ' }, 'list', t.responseUrl));
    await fc.assert(
      fc.asyncProperty(commandText, fc.constantFrom('CFUZZ', 'cfuzz', 'C'.repeat(40)), fc.constantFrom(IC, 'u1', '123'), async (text, channel, user) => {
        await sendsNothingWritten(commandBody({ team: 'T1', user, channel }, text, t.responseUrl));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('answers every click, with any value and mangled fields, and writes nothing', async () => {
    const mangle = fc.constantFrom('none', 'user.id', 'team.id', 'team', 'channel.id', 'actions', 'actions.0', 'actions.0.action_id', 'actions.0.value', 'container', 'message');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ACTION_IDS), claim, fc.constantFrom(inc.room, 'CELSEWHERE'), mangle, junk, async (actionId, value, channel, field, replacement) => {
        const payload = JSON.parse(decodeURIComponent(buttonClick({ team: 'T1', user: 'UFUZZ', channel }, actionId, value, t.responseUrl).slice('payload='.length)));
        if (field !== 'none') setPath(payload, field, replacement);
        await sendsNothingWritten(interactionBody(payload));
      }),
      { numRuns: RUNS * 4, seed: SEED },
    );
  });

  it('answers every form submission, with any values and metadata, and writes nothing', async () => {
    const values = fc.dictionary(fc.constantFrom('title', 'severity', 'reason', 'summary', 'value', 'areas', 'commander', 'na'), fc.record({ value: fc.dictionary(fc.constantFrom('type', 'value', 'selected_option', 'selected_options', 'selected_user'), junk) }));
    const metadata = fc.oneof(fc.string({ maxLength: 60 }), fc.json(), claim.map((id) => JSON.stringify({ incidentId: id, roomId: 'CELSEWHERE', origin: 'CELSEWHERE' })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KNOWN.views, 'made_up_form'), values, metadata, async (callbackId, state, privateMetadata) => {
        // The declare form with a severity no runbook has: refused, as every other form here is.
        const declare = callbackId === 'declare_incident' ? { severity: { value: { type: 'radio_buttons', selected_option: { value: 'SEV9' } } } } : {};
        const who: Actor = { team: 'T1', user: 'UFUZZ', channel: 'CELSEWHERE' };
        await sendsNothingWritten(viewSubmission(who, { id: `V${Math.random().toString(36).slice(2, 10).toUpperCase()}`, callbackId, privateMetadata, values: { ...(state as object), ...declare } as never }));
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });
});

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) return;
    node = node[k] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}
