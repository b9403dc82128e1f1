// `npm run bench:scale`: three bot processes on one PostgreSQL, with 10,000 open incidents in 20
// workspaces. Update reminders fall due over a while, and every process's scheduler races for them.
// The fake Slack Web API enforces Slack's documented limits: chat.postMessage at 1 message per
// second per channel, and per-method tiers per workspace. A call over a limit gets 429 with
// Retry-After, and nothing is posted. The bench prints the reminder lag from due time to post, the
// reminders lost and doubled, the 429s received and honoured, and each process's throughput.
// Targets: 0 lost, 0 doubled, lag p99 <= tick + 1 s.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { SIGNING_SECRET } from '../test/support/slack-requests.js';
import { startBotProcess, stop } from './processes.js';
import { makeDue, ownDatabase, seed } from './scheduler.js';

const PROCESSES = 3;
const INCIDENTS = 10_000;
const WORKSPACES = 20;
const TICK_S = 1;
/** Reminders falling due, spread evenly over SPREAD_S seconds from a few seconds after start. */
const DUE = Number(process.env.BENCH_SCALE_DUE ?? 1_500);
const SPREAD_S = 15;

/** Per workspace and method: calls allowed per minute (Slack's tiers 2, 3 and 4; postMessage's workspace burst). */
const PER_MINUTE: Record<string, number> = { 'chat.postMessage': 600, 'chat.update': 50, 'chat.postEphemeral': 100, 'conversations.create': 20, 'conversations.invite': 50, 'pins.add': 20 };
const PER_CHANNEL_MS = 1_000;
/** chat.postMessage's "short bursts" per workspace: at most this many in any one second. */
const BURST_PER_SECOND = 10;
/** A fifth of the reminders fall due at one instant (a spike over the burst limit), the rest evenly. */
const SPIKE = Math.floor(DUE / 5);

type Limited = { at: number; retryAfterMs: number };

/** The seeded channels are named C<workspace>_<number>. */
const workspaceOf = (channel: string) => /^C(T[A-Z]+\d+)_/.exec(channel)?.[1] ?? 'unknown';

/** The fake Web API with Slack's limits; it tells the posts apart by the token of the process that made them. */
class LimitedSlack {
  readonly posts = new Map<string, { at: number; token: string }[]>();
  readonly limited = new Map<string, Limited>();
  received429 = 0;
  honoured = 0;
  early = 0;
  private lastPost = new Map<string, number>();
  private windows = new Map<string, number[]>();
  private seq = 0;
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const body = Object.fromEntries(new URLSearchParams(raw));
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const channel = String(body.channel ?? '');
      const json = (status: number, answer: object, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(answer));
      if (method === 'auth.test') return json(200, { ok: true, team_id: 'TSCALE', user_id: 'UBOT', bot_id: 'BBOT' });
      const now = Date.now();
      const caller = `${token}:${method}:${channel}`;
      // A retry of a call refused before: was it sent no sooner than Retry-After said?
      const before = this.limited.get(caller);
      if (before) {
        this.limited.delete(caller);
        if (now - before.at >= before.retryAfterMs - 50) this.honoured++;
        else this.early++;
      }
      const waitMs = this.wait(method, channel, now);
      if (waitMs > 0) {
        this.received429++;
        const retryAfterS = Math.ceil(waitMs / 1000);
        this.limited.set(caller, { at: now, retryAfterMs: retryAfterS * 1000 });
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterS) });
      }
      if (method === 'chat.postMessage') {
        this.lastPost.set(channel, now);
        const list = this.posts.get(channel) ?? [];
        list.push({ at: now, token });
        this.posts.set(channel, list);
      }
      return json(200, { ok: true, channel, ts: `${Math.floor(now / 1000)}.${String(++this.seq).padStart(6, '0')}` });
    });
  }

  /** How long the caller must wait before this call is allowed, 0 when it is allowed now (and counted). */
  private wait(method: string, channel: string, now: number): number {
    if (method === 'chat.postMessage') {
      const last = this.lastPost.get(channel);
      if (last !== undefined && now - last < PER_CHANNEL_MS) return PER_CHANNEL_MS - (now - last);
    }
    const perMinute = PER_MINUTE[method];
    if (!perMinute) return 0;
    const key = `${workspaceOf(channel)}:${method}`;
    const window = (this.windows.get(key) ?? []).filter((t) => now - t < 60_000);
    this.windows.set(key, window);
    if (window.length >= perMinute) return 60_000 - (now - window[0]!);
    const lastSecond = window.filter((t) => now - t < 1_000);
    if (method === 'chat.postMessage' && lastSecond.length >= BURST_PER_SECOND) return 1_000 - (now - lastSecond[0]!);
    window.push(now);
    return 0;
  }
}

/**
 * The floor of each reminder's lag: when it could have been posted at the earliest if every post
 * were sent, in due order, the moment the fake's per-workspace limits allow (each reminder has a
 * channel of its own, so the per-channel limit never binds). What the bot adds is measured above it.
 */
function lagFloors(reminders: { ws: string; due: number }[]): number[] {
  const floors = new Array<number>(reminders.length);
  const byWs = new Map<string, number[]>();
  reminders.forEach((r, i) => byWs.set(r.ws, [...(byWs.get(r.ws) ?? []), i]));
  for (const indexes of byWs.values()) {
    const sent: number[] = [];
    let t = -Infinity;
    for (const i of indexes.sort((a, b) => reminders[a]!.due - reminders[b]!.due)) {
      t = Math.max(t, reminders[i]!.due);
      for (;;) {
        const lastSecond = sent.filter((a) => t - a < 1_000);
        if (lastSecond.length >= BURST_PER_SECOND) {
          t = lastSecond[0]! + 1_000;
          continue;
        }
        const lastMinute = sent.filter((a) => t - a < 60_000);
        if (lastMinute.length >= PER_MINUTE['chat.postMessage']!) {
          t = lastMinute[0]! + 60_000;
          continue;
        }
        break;
      }
      sent.push(t);
      floors[i] = t - reminders[i]!.due;
    }
  }
  return floors;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function main() {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('bench:scale needs DATABASE_URL (npm run bench:scale starts a throw-away PostgreSQL)');
  const own = await ownDatabase(base);
  const slack = await new LimitedSlack().start();
  const c = new pg.Client({ connectionString: own.url });
  const bots: Awaited<ReturnType<typeof startBotProcess>>[] = [];
  try {
    await migrate(own.url);
    await c.connect();
    await seed(c, INCIDENTS, WORKSPACES);
    for (let i = 1; i <= PROCESSES; i++) {
      bots.push(
        await startBotProcess({ DATABASE_URL: own.url, SLACK_API_URL: slack.url, SLACK_BOT_TOKEN: `xoxb-scale-${i}`, SLACK_SIGNING_SECRET: SIGNING_SECRET, SCHEDULER_TICK_SECONDS: String(TICK_S) }),
      );
    }
    const start = Date.now() + 3_000;
    const due = await makeDue(c, DUE, (i) => new Date(i < SPIKE ? start + 5_000 : start + Math.floor(((i - SPIKE) * SPREAD_S * 1000) / (DUE - SPIKE))));
    const { rows } = await c.query<{ id: string; room_id: string }>('SELECT id, room_id FROM incidents WHERE id = ANY($1::uuid[])', [[...due.keys()]]);
    const roomOf = new Map(rows.map((r) => [r.id, r.room_id]));
    // Every due reminder posted, or long past any retry: 60 s leases, so a failed post is retried within ~70 s.
    const deadline = start + (SPREAD_S + 90) * 1000;
    while (Date.now() < deadline && [...due.keys()].some((id) => !slack.posts.has(roomOf.get(id)!))) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 3_000)); // room for a late double to show
    const lags: number[] = [];
    const posted: { ws: string; due: number }[] = [];
    let lost = 0;
    let doubled = 0;
    const perToken = new Map<string, number>();
    let first = Infinity;
    let last = 0;
    for (const [id, dueAt] of due) {
      const posts = slack.posts.get(roomOf.get(id)!) ?? [];
      if (posts.length === 0) lost++;
      if (posts.length > 1) doubled++;
      for (const p of posts) {
        perToken.set(p.token, (perToken.get(p.token) ?? 0) + 1);
        first = Math.min(first, p.at);
        last = Math.max(last, p.at);
      }
      if (posts[0]) {
        lags.push(posts[0].at - dueAt.getTime());
        posted.push({ ws: workspaceOf(roomOf.get(id)!), due: dueAt.getTime() });
      }
    }
    const floors = lagFloors(posted);
    const added = lags.map((lag, i) => lag - floors[i]!);
    const target = TICK_S * 1000 + 1000;
    const windowS = Math.max(1, (last - first) / 1000);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    const lines = [
      `Scale: ${PROCESSES} bot processes on one PostgreSQL, ${INCIDENTS.toLocaleString('en')} open incidents in ${WORKSPACES} workspaces, ${DUE} update reminders due over ${SPREAD_S} s, scheduler tick ${TICK_S} s`,
      `  ${SPIKE} of them due at one instant, the rest evenly; fake Slack limits: chat.postMessage 1/s per channel, ${BURST_PER_SECOND}/s and ${PER_MINUTE['chat.postMessage']}/min per workspace; 429 with Retry-After, nothing posted`,
      `  reminder lag due -> post: p50 ${pct(lags, 50).toFixed(0)} ms, p99 ${pct(lags, 99).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms (target p99 <= ${target} ms: ${verdict(pct(lags, 99) <= target)})`,
      `  floor of that lag set by the limits alone (every post sent the moment they allow): p50 ${pct(floors, 50).toFixed(0)} ms, p99 ${pct(floors, 99).toFixed(0)} ms`,
      `  lag the bot adds above that floor: p50 ${pct(added, 50).toFixed(0)} ms, p99 ${pct(added, 99).toFixed(0)} ms, max ${Math.max(...added).toFixed(0)} ms (target p99 <= ${target} ms: ${verdict(pct(added, 99) <= target)})`,
      `  reminders lost: ${lost} (target 0: ${verdict(lost === 0)}); doubled: ${doubled} (target 0: ${verdict(doubled === 0)})`,
      `  429s received: ${slack.received429}; retries honouring Retry-After: ${slack.honoured}, sent early: ${slack.early}`,
      `  throughput per process over the ${windowS.toFixed(1)} s the posts took: ${[...Array(PROCESSES).keys()].map((i) => `#${i + 1} ${((perToken.get(`xoxb-scale-${i + 1}`) ?? 0) / windowS).toFixed(1)}/s (${perToken.get(`xoxb-scale-${i + 1}`) ?? 0})`).join(', ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.all(bots.map((b) => stop(b.child)));
    await c.end().catch(() => undefined);
    await slack.stop();
    await own.drop();
  }
}

await main();
