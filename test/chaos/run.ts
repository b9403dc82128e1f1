// `npm run test:chaos`: a scripted incident per round, driven over signed Slack HTTP against 2 or 3
// bot processes on one PostgreSQL, while the fake Slack loses answers and processes are SIGKILLed at
// random and started again. After a final settle it prints the counts, and exits 1 if any count that
// must be zero is not. Needs DATABASE_URL (a PostgreSQL server; `npm run test:chaos` starts one).
//   CHAOS_SEED       the seed of every random choice (printed; default: random)
//   CHAOS_ROUNDS     incidents to run (default 20), CHAOS_PARALLEL at once (default 2)
//   CHAOS_PROCESSES  bot processes (default 3)
//   CHAOS_FAULT_RATE share of effectful Slack calls whose answer is lost (default 0.15)
//   CHAOS_KILL_MS    mean time between kills (default 4000)
//   CHAOS_ENTRY      dist (the compiled bot, as `npm start` runs it; the default) or tsx (src/main.ts)
//   CHAOS_DWELL_MS   how long each incident stays open at its end for reminders (default 8000)
//   CHAOS_SPARE_SETUPS=1  no kill while a declared incident has no channel yet (the short run: an
//                    interrupted set-up is finished by its safety-net job only two minutes later)
import path from 'node:path';
import { createDb } from '../../src/db/client.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';
import { freshDatabase } from '../support/database.js';
import { sleep, Deliveries } from './deliveries.js';
import { fastRunbook, faultySlack, Fleet, runDir, seeded } from './harness.js';
import { checkRun, MUST_BE_ZERO } from './invariants.js';
import { runIncident, type Expected } from './script.js';
import { settle } from './settle.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

if (!process.env.DATABASE_URL) {
  process.stderr.write('test:chaos needs DATABASE_URL (a PostgreSQL server): run it as `npm run test:chaos`, which starts one.\n');
  process.exit(2);
}
const seed = num('CHAOS_SEED', Math.floor(Math.random() * 2 ** 31));
const rounds = num('CHAOS_ROUNDS', 20);
const parallel = num('CHAOS_PARALLEL', 2);
const size = num('CHAOS_PROCESSES', 3);
const faultRate = num('CHAOS_FAULT_RATE', 0.15);
const killMs = num('CHAOS_KILL_MS', 4000);
const entry = process.env.CHAOS_ENTRY === 'tsx' ? 'tsx' : 'dist';
const spareSetups = process.env.CHAOS_SPARE_SETUPS === '1';
const dwellMs = num('CHAOS_DWELL_MS', 8000);
const LEASE_SECONDS = 8;
process.stdout.write(`chaos: seed ${seed}, ${rounds} incidents (${parallel} at once), ${size} processes (${entry}), fault rate ${faultRate}, a kill every ~${killMs} ms${spareSetups ? ', sparing set-ups' : ''}\n`);

// Stopped from outside (a test's timeout, Ctrl-C): exit, so that the fleet's exit hook kills the bots.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));
const t0 = Date.now();
const phase = (what: string) => process.stdout.write(`chaos: ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

const random = seeded(seed);
const dir = runDir();
const database = await freshDatabase();
const slack = await faultySlack(random, faultRate);
const logFile = path.join(dir, 'bots.log');
const fleet = new Fleet({ size, databaseUrl: database.url, slackApiUrl: slack.apiUrl, entry, logFile, runbookDir: fastRunbook(dir), leaseSeconds: LEASE_SECONDS });
const db = createDb(database.url, 2);
let status = 1;
try {
  await fleet.start();
  phase(`${size} processes up`);
  const deliveries = new Deliveries(fleet, random);
  const expected: Expected[] = [];
  const refused: string[] = [];
  // Room set-up that a kill interrupts is finished by its safety-net job two minutes after the declaration.
  const context = { db, slack, deliveries, responseUrl: `${slack.url}/response/1`, expected, refused, waitMs: 150_000, dwellMs };

  let scripting = true;
  const killer = (async () => {
    while (scripting) {
      await sleep(killMs / 2 + random.int(killMs));
      // Sparing set-ups: a set-up a kill interrupts is finished only by its safety net, minutes later.
      if (spareSetups && (await db.incident.count({ where: { roomId: null } })) > 0) continue;
      if (scripting) fleet.killOne(random);
    }
  })();
  const runId = seed.toString(36);
  for (let n = 0; n < rounds; n += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, rounds - n) }, (_, k) => runIncident(context, runId, n + k + 1)));
    phase(`${Math.min(n + parallel, rounds)} of ${rounds} incidents run, ${fleet.kills} kills`);
  }
  scripting = false;
  await killer;
  phase('script done');

  await fleet.settle();
  const settled = await settle(db, LEASE_SECONDS);
  await fleet.stop();
  phase(settled ? 'settled and stopped' : 'stopped, unsettled');

  const { counts, problems } = await checkRun(db, TEST_TIMELINE_KEY, slack, expected);
  const all: Record<string, number> = { ...counts, refused: refused.length, kills: fleet.kills, 'deliveries sent': deliveries.sent, 'slack retries': deliveries.retried, 'answers lost by slack': [...slack.injected.values()].reduce((a, b) => a + b, 0) };
  process.stdout.write(`chaos: ${Object.entries(all).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  process.stdout.write(`chaos: faults ${[...slack.injected].map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  for (const r of refused) problems.push(`refused: ${r}`);
  if (!settled) problems.push('the run did not settle: jobs were still overdue at the end');
  for (const p of problems) process.stdout.write(`chaos: PROBLEM ${p}\n`);
  // For the vitest wrapper: the counts as one JSON line.
  process.stdout.write(`CHAOS_RESULT ${JSON.stringify({ seed, counts: all, problems })}\n`);
  const failing = MUST_BE_ZERO.filter((k) => all[k] !== 0);
  status = failing.length === 0 && settled ? 0 : 1;
  process.stdout.write(status === 0 ? `chaos: OK (seed ${seed})\n` : `chaos: FAILED (seed ${seed}): ${failing.join(', ')}; the bots' log is ${logFile}\n`);
} finally {
  await fleet.stop().catch(() => {});
  await db.$disconnect();
  await slack.stop();
  await database.close();
}
process.exit(status);
