// `npm run bench`: round trips per intent; HTTP latency, throughput and CPU of a declare submission
// and a "Take role" click through the real bot (as npm start runs it, and on Node's default heap),
// against the floor of a bare Bolt app that only acks the same signed requests, in one run with 20
// concurrent clients on real PostgreSQL; the bot's RSS after the run; start-up on the embedded
// database; the scheduler. Targets (issue 14): p99 <= 2x the floor, click throughput >= 40% of it,
// RSS <= 200 MB, first start <= 2 s, restart <= 1 s, >= 1,000 reminders/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { FakeSlackApi } from '../test/fakes/slack-api.js';
import { freshDatabase } from '../test/support/database.js';
import { buttonClick, declareSubmission, sign, SIGNING_SECRET } from '../test/support/slack-requests.js';
import { drive, type Figures, type Prepared } from './load.js';
import type { ChildProcess } from 'node:child_process';
import { cpuMs, memoryOf, rssMb, START_FLAGS, startBotProcess, startFloorProcess, stop, waitReady } from './processes.js';
import { countRoundTrips, roundTripLines } from './round-trips.js';
import { schedulerBench } from './scheduler.js';

const CONCURRENCY = 20;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const MEASURED = Number(process.env.BENCH_REQUESTS ?? 1000);

function signed(body: string): Prepared {
  const ts = Math.floor(Date.now() / 1000);
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts) } };
}

const declares = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    signed(declareSubmission({ team: 'TBENCH', user: `U${from + i}`, channel: 'CGENERAL' }, `VBENCH${from + i}`, { title: `Bench incident ${from + i}`, severity: 'SEV2', areas: ['rendering'] })),
  );

const fmt = (f: Figures) => `p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms, ${f.perSecond.toFixed(0)} req/s, ${f.errors} errors`;

async function clicksFor(url: string, n: number): Promise<Prepared[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ id: string; room_id: string }>(
    `SELECT id, room_id FROM incidents i WHERE EXISTS (SELECT 1 FROM room_messages m WHERE m.incident_id = i.id AND m.shows = 'header') ORDER BY number LIMIT $1`,
    [n],
  );
  await client.end();
  if (rows.length < n) throw new Error(`only ${rows.length} provisioned incidents for ${n} clicks`);
  return rows.map((r, i) => signed(buttonClick({ team: 'TBENCH', user: `UTAKER${i}`, channel: r.room_id }, 'take_role:ops', r.id, 'http://127.0.0.1:9/unused')));
}


type Run = { declare: Figures; click: Figures; cpuDeclare: number; cpuClick: number };
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** Drives `requests` at `url` and measures the CPU the serving process spent per request. */
async function timed(child: ChildProcess, url: string, requests: Prepared[]): Promise<{ figures: Figures; cpu: number }> {
  const cpu0 = cpuMs(child);
  const figures = await drive(url, requests, CONCURRENCY);
  return { figures, cpu: (cpuMs(child) - cpu0) / requests.length };
}

/** The bot on a fresh database: declares, then (once their rooms exist) Take role clicks; memory after. */
async function botRun(slackApiUrl: string, nodeFlags: string[]) {
  const database = await freshDatabase();
  try {
    const bot = await startBotProcess({ DATABASE_URL: database.url, SLACK_API_URL: slackApiUrl, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET }, nodeFlags);
    const botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
    await drive(botUrl, declares(0, WARMUP), CONCURRENCY);
    const declare = await timed(bot.child, botUrl, declares(WARMUP, MEASURED));
    const poll = new pg.Client({ connectionString: database.url });
    await poll.connect();
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { rows } = await poll.query<{ n: string }>(`SELECT count(DISTINCT incident_id) AS n FROM room_messages WHERE shows = 'header'`);
      if (Number(rows[0]!.n) >= WARMUP + MEASURED) break;
      if (Date.now() > deadline) {
        await poll.end();
        throw new Error(`set-up of ${WARMUP + MEASURED} incidents not finished after 180 s`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await poll.end();
    const clicks = await clicksFor(database.url, WARMUP + MEASURED);
    await drive(botUrl, clicks.slice(0, WARMUP), CONCURRENCY);
    const click = await timed(bot.child, botUrl, clicks.slice(WARMUP));
    await new Promise((r) => setTimeout(r, 2000));
    const rss = rssMb(bot.child);
    const memory = await memoryOf(bot.child);
    await stop(bot.child);
    const run: Run = { declare: declare.figures, click: click.figures, cpuDeclare: declare.cpu, cpuClick: click.cpu };
    return { run, rss, memory };
  } finally {
    await database.close();
  }
}

const progress = (what: string) => process.stderr.write(`bench: ${what}\n`);

async function main() {
  const slack = await new FakeSlackApi().start();
  const out: string[] = [];
  try {
    progress('round trips per intent');
    out.push(...roundTripLines(await countRoundTrips()));
    progress('the bare Bolt floor');

    // Floor first, on the same requests.
    const floor = await startFloorProcess(SIGNING_SECRET, slack.apiUrl);
    const floorUrl = `http://127.0.0.1:${floor.port}/slack/events`;
    await drive(floorUrl, declares(0, WARMUP), CONCURRENCY);
    const floorDeclare = await timed(floor.child, floorUrl, declares(WARMUP, MEASURED));
    const floorClick = await timed(floor.child, floorUrl, declares(0, MEASURED).map(() => signed(buttonClick({ team: 'TBENCH', user: 'UX', channel: 'CX' }, 'take_role:ops', '00000000-0000-0000-0000-000000000000', 'http://127.0.0.1:9/unused'))));
    await stop(floor.child);

    progress(`the bot as npm start runs it (node ${START_FLAGS.join(' ')})`);
    const shipped = await botRun(slack.apiUrl, START_FLAGS);
    progress("the bot on Node's default heap");
    const defaults = await botRun(slack.apiUrl, []);

    const ratio = (a: Figures, b: Figures) => `p50 ${(a.p50 / b.p50).toFixed(2)}x, p99 ${(a.p99 / b.p99).toFixed(2)}x`;
    const cpu = (ms: number) => `${ms.toFixed(2)} ms CPU/req`;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    const lines = (name: string, r: Run) => [
      `  ${name} declare view_submission: ${fmt(r.declare)}; ${cpu(r.cpuDeclare)}`,
      `  ${name} take role click:         ${fmt(r.click)}; ${cpu(r.cpuClick)}`,
      `  ratio ${name.trim()}: declare ${ratio(r.declare, floorDeclare.figures)} (target p99 <= 2x: ${verdict(r.declare.p99 <= 2 * floorDeclare.figures.p99)}); click ${ratio(r.click, floorClick.figures)} (target p99 <= 2x: ${verdict(r.click.p99 <= 2 * floorClick.figures.p99)}); click throughput ${((100 * r.click.perSecond) / floorClick.figures.perSecond).toFixed(0)}% of the floor's (target >= 40%: ${verdict(r.click.perSecond >= 0.4 * floorClick.figures.perSecond)}); CPU/req ${(r.cpuDeclare / floorDeclare.cpu).toFixed(1)}x / ${(r.cpuClick / floorClick.cpu).toFixed(1)}x the floor's`,
    ];
    const memory = (name: string, m: Awaited<ReturnType<typeof botRun>>) =>
      `  ${name}: RSS ${m.rss.toFixed(0)} MB (target <= 200 MB: ${verdict(m.rss <= 200)}); heap used ${mb(m.memory.before.heapUsed)} of ${mb(m.memory.before.heapTotal)} MB, ${mb(m.memory.after.heapUsed)} MB after a full GC (RSS then ${mb(m.memory.after.rss)} MB); external ${mb(m.memory.before.external)} MB; GC pauses: ${m.memory.pauses.count}, max ${m.memory.pauses.maxMs.toFixed(1)} ms, total ${m.memory.pauses.totalMs.toFixed(0)} ms`;
    out.push(
      `HTTP latency, ${CONCURRENCY} concurrent clients, ${MEASURED} measured requests each (after ${WARMUP} warm-up), PostgreSQL server; CPU = user+system of the serving process (/proc) per request`,
      `  floor   declare view_submission: ${fmt(floorDeclare.figures)}; ${cpu(floorDeclare.cpu)}`,
      `  floor   take role click:         ${fmt(floorClick.figures)}; ${cpu(floorClick.cpu)}`,
      ...lines('bot     ', shipped.run),
      ...lines('bot+dflt', defaults.run),
      `Memory of the bot 2 s after the run (bot = node ${START_FLAGS.join(' ')}, as npm start runs it; bot+dflt = Node's default heap)`,
      memory('bot     ', shipped),
      memory('bot+dflt', defaults),
    );
    // Start-up on the embedded database: first start (creates it) and a restart.
    progress('start-up on the embedded database');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-embedded-'));
    const embeddedEnv = { DATABASE_URL: '', DATA_DIR: dataDir, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET };
    try {
      const cold = await startBotProcess(embeddedEnv);
      await stop(cold.child);
      const warm = await startBotProcess(embeddedEnv);
      await waitReady(`http://127.0.0.1:${warm.port}/healthz`);
      await stop(warm.child);
      out.push(`Start-up to /readyz on the embedded database: first start ${(cold.startupMs / 1000).toFixed(2)} s, restart ${(warm.startupMs / 1000).toFixed(2)} s (targets <= 2 s and <= 1 s)`);
    } catch (e) {
      out.push(`Start-up on the embedded database FAILED: ${(e as Error).message}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    // What is measured so far survives a failure of what follows.
    process.stdout.write(`${out.splice(0).join('\n')}\n`);

    progress('the scheduler');
    // The scheduler (issue 4): due scan, reminder rate and lag, on the same PostgreSQL server.
    out.push(...(await schedulerBench(process.env.DATABASE_URL!)));
  } finally {
    await slack.stop();
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
