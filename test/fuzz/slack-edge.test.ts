// Fuzzing the Slack edge through the real server, signed as Slack signs: the /incident grammar and
// every interaction the bot handles (a click on each action id, a submission of each form), with
// their ids, values and shapes mangled. Never a 5xx, never an unhandled rejection, always an
// answer, and no row written by any of it. `npm run test:fuzz` runs it long (FUZZ_RUNS, FUZZ_SEED);
// inside `npm test` it runs a few seeded cases. Either way it prints what it counted, so that the
// zeros can be quoted.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN } from '../../src/surfaces/slack/listeners/index.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { declareAndWait, type DeclaredIncident } from '../support/declared.js';
import { buttonClick, commandBody, interactionBody, postSigned, viewSubmission, type Actor } from '../support/slack-requests.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const SEED = Number(process.env.FUZZ_SEED ?? 1313);
/** Per property: the requests it sends (RUNS times `weight`) at well under 100 ms each, on a busy machine. */
const timeout = (weight: number) => 30_000 + RUNS * weight * 150;
const IC = 'UIC';

let t: TestBot;
let inc: DeclaredIncident;
/** What the run saw. `unanswered`: no answer, or Bolt's 404 for a request no listener acked. */
const seen = { requests: 0, fivexx: 0, crashes: 0, unhandled: 0, unanswered: 0, rowsWritten: 0 };
const onUnhandled = () => void (seen.unhandled += 1);
const onCrash = () => void (seen.crashes += 1);
const TABLES = ['workspaces', 'incidents', 'timeline_events', 'jobs', 'deliveries', 'action_requests', 'role_assignments', 'room_messages', 'followups', 'postmortems'];
/** Every row that input could write, by table. */
const rows = async (): Promise<Record<string, number>> => {
  const counts = await Promise.all(TABLES.map((table) => t.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table}`)));
  return Object.fromEntries(TABLES.map((table, i) => [table, Number(counts[i]![0]!.n)]));
};
/** The tables that moved since the baseline, and by how many rows in all. */
const written = async () => {
  const now = await rows();
  const moved = TABLES.filter((table) => now[table] !== baseline[table]).map((table) => `${table} ${now[table]! - baseline[table]!}`);
  return { total: TABLES.reduce((n, table) => n + Math.abs(now[table]! - baseline[table]!), 0), moved };
};
/** Bolt acks before the listener runs: a quiet moment lets a late write land before a count. */
const quiet = () => new Promise((r) => setTimeout(r, 500));
/** The row count once the incident is set up; nothing the fuzzer sends may move it. */
let baseline: Record<string, number> = {};
/** The last requests sent: a late write is made by the request it is seen after, or the one before. */
const recent: string[] = [];

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onCrash);
  t = await startTestBot();
  inc = await declareAndWait(t, { team: 'T1', user: IC, channel: 'CGENERAL' }, 'VFUZZ', { title: 'Fuzzed incident', severity: 'SEV2', areas: ['distribution_activation'] });
  // The commander's first command outside the room: the only row-writing request of the run.
  await postSigned(t.eventsUrl, commandBody({ team: 'T1', user: IC, channel: 'CFUZZ' }, 'list', t.responseUrl));
  await quiet();
  baseline = await rows();
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onCrash);
  if (t) {
    await quiet();
    seen.rowsWritten = (await written()).total;
    await t.stop();
  }
  console.log(
    `fuzz (runs ${RUNS}, seed ${SEED}): ${seen.requests} requests; 5xx ${seen.fivexx}, crashes ${seen.crashes}, unhandled rejections ${seen.unhandled}, unanswered ${seen.unanswered}, rows written by invalid input ${seen.rowsWritten}`,
  );
  expect(seen.rowsWritten).toBe(0);
});

/**
 * Sends one request; the server must answer it, never with a 5xx, and nothing may have been
 * written since the baseline (a late write by an earlier request is caught here too). Properties
 * run with `endOnFailure`: once a row is written every later case fails too, so shrinking would
 * name an innocent input.
 */
async function sendsNothingWritten(body: string) {
  seen.requests += 1;
  recent.push(decodeURIComponent(body));
  if (recent.length > 2) recent.shift();
  const res = await postSigned(t.eventsUrl, body).catch((e: unknown) => {
    seen.unanswered += 1;
    throw e;
  });
  if (res.status >= 500) seen.fivexx += 1;
  if (res.status === 404) seen.unanswered += 1;
  expect(res.status).toBeLessThan(500);
  expect(res.status).not.toBe(404);
  const { total, moved } = await written();
  seen.rowsWritten = total;
  expect(moved, `rows written after:\n${recent.join('\n')}`).toEqual([]);
  expect(seen.unhandled + seen.crashes).toBe(0);
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
    await fc.assert(
      fc.asyncProperty(commandText, fc.constantFrom('CFUZZ', 'cfuzz', 'C'.repeat(40)), fc.constantFrom(IC, 'u1', '123'), async (text, channel, user) => {
        await sendsNothingWritten(commandBody({ team: 'T1', user, channel }, text, t.responseUrl));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, timeout(1));

  it('answers every click, with any value and mangled fields, and writes nothing', async () => {
    const mangle = fc.constantFrom('none', 'user.id', 'team.id', 'team', 'channel.id', 'actions', 'actions.0', 'actions.0.action_id', 'actions.0.value', 'container', 'message');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ACTION_IDS), claim, fc.constantFrom(inc.room, 'CELSEWHERE'), mangle, junk, async (actionId, value, channel, field, replacement) => {
        const payload = JSON.parse(decodeURIComponent(buttonClick({ team: 'T1', user: 'UFUZZ', channel }, actionId, value, t.responseUrl).slice('payload='.length)));
        if (field !== 'none') setPath(payload, field, replacement);
        await sendsNothingWritten(interactionBody(payload));
      }),
      { numRuns: RUNS * 4, seed: SEED, endOnFailure: true },
    );
  }, timeout(4));

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
      { numRuns: RUNS * 2, seed: SEED, endOnFailure: true },
    );
  }, timeout(2));
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
