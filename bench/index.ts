// `npm run bench`: HTTP latency of a declare submission and a "Take role" click through the real
// bot, against the floor of a bare Bolt app that only acks the same signed requests, measured in
// one run with 20 concurrent clients on real PostgreSQL; then start-up time on the embedded
// database and the bot's idle RSS. Targets (issue 2): p99 < 150 ms and <= 2x the floor;
// start-up <= 3 s; idle RSS <= 200 MB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { FakeSlackApi } from '../test/fakes/slack-api.js';
import { freshDatabase } from '../test/support/database.js';
import { buttonClick, declareSubmission, sign, SIGNING_SECRET } from '../test/support/slack-requests.js';
import { drive, type Figures, type Prepared } from './load.js';
import { rssMb, startBotProcess, startFloorProcess, stop, waitReady } from './processes.js';
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
  const { rows } = await client.query<{ id: string; room_id: string }>('SELECT id, room_id FROM incidents WHERE room_id IS NOT NULL ORDER BY number LIMIT $1', [n]);
  await client.end();
  if (rows.length < n) throw new Error(`only ${rows.length} provisioned incidents for ${n} clicks`);
  return rows.map((r, i) => signed(buttonClick({ team: 'TBENCH', user: `UTAKER${i}`, channel: r.room_id }, 'take_role:ops', r.id, 'http://127.0.0.1:9/unused')));
}

async function main() {
  const slack = await new FakeSlackApi().start();
  const database = await freshDatabase();
  const out: string[] = [];
  try {
    // Floor first, on the same requests.
    const floor = await startFloorProcess(SIGNING_SECRET, slack.apiUrl);
    const floorUrl = `http://127.0.0.1:${floor.port}/slack/events`;
    await drive(floorUrl, declares(0, WARMUP), CONCURRENCY);
    const floorDeclare = await drive(floorUrl, declares(WARMUP, MEASURED), CONCURRENCY);
    const floorClick = await drive(floorUrl, declares(0, MEASURED).map(() => signed(buttonClick({ team: 'TBENCH', user: 'UX', channel: 'CX' }, 'take_role:ops', '00000000-0000-0000-0000-000000000000', 'http://127.0.0.1:9/unused'))), CONCURRENCY);
    await stop(floor.child);

    const bot = await startBotProcess({ DATABASE_URL: database.url, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET });
    const botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
    await drive(botUrl, declares(0, WARMUP), CONCURRENCY);
    const botDeclare = await drive(botUrl, declares(WARMUP, MEASURED), CONCURRENCY);
    await slack.until(async () => {
      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      const { rows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM incidents WHERE header_message_id IS NOT NULL');
      await c.end();
      if (Number(rows[0]!.n) < WARMUP + MEASURED) throw new Error('set-up still running');
    }, 120_000);
    const clicks = await clicksFor(database.url, WARMUP + MEASURED);
    await drive(botUrl, clicks.slice(0, WARMUP), CONCURRENCY);
    const botClick = await drive(botUrl, clicks.slice(WARMUP), CONCURRENCY);
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = rssMb(bot.child);
    await stop(bot.child);

    const ratio = (a: Figures, b: Figures) => `p50 ${(a.p50 / b.p50).toFixed(2)}x, p99 ${(a.p99 / b.p99).toFixed(2)}x`;
    out.push(
      `HTTP latency, ${CONCURRENCY} concurrent clients, ${MEASURED} measured requests each (after ${WARMUP} warm-up), PostgreSQL ${database.url.includes('127.0.0.1') ? 'server' : 'embedded'}`,
      `  floor   declare view_submission: ${fmt(floorDeclare)}`,
      `  bot     declare view_submission: ${fmt(botDeclare)}`,
      `  ratio   declare: ${ratio(botDeclare, floorDeclare)}   (target: p99 < 150 ms and <= 2x floor)`,
      `  floor   take role click:         ${fmt(floorClick)}`,
      `  bot     take role click:         ${fmt(botClick)}`,
      `  ratio   take role: ${ratio(botClick, floorClick)}`,
      `Idle RSS of the bot after the run: ${idleRss.toFixed(0)} MB (target <= 200 MB)`,
    );

    // Start-up on the embedded database: first start (creates it) and a restart.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-embedded-'));
    const embeddedEnv = { DATABASE_URL: '', DATA_DIR: dataDir, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET };
    const cold = await startBotProcess(embeddedEnv);
    await stop(cold.child);
    const warm = await startBotProcess(embeddedEnv);
    await waitReady(`http://127.0.0.1:${warm.port}/healthz`);
    await stop(warm.child);
    rmSync(dataDir, { recursive: true, force: true });
    out.push(`Start-up to /readyz on the embedded database: first start ${(cold.startupMs / 1000).toFixed(2)} s, restart ${(warm.startupMs / 1000).toFixed(2)} s (target <= 3 s)`);

    // The scheduler (issue 4): due scan, reminder rate and lag, on the same PostgreSQL server.
    out.push(...(await schedulerBench(database.url)));
  } finally {
    await database.close();
    await slack.stop();
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
