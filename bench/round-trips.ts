// Database round trips and chat API calls per intent, counted through the real bot in this process
// (signed HTTP -> Bolt -> app -> repository -> pg; room talk -> WebClient -> fake Slack Web API).
// A round trip is a query sent on a connection with nothing in flight: queries pipelined behind one
// already on the wire ride on its round trip. Trips before the HTTP answer are the ack path, except
// a repaint's (its claim and digests on room_messages), which are the refresh whenever they leave.
import pg from 'pg';
import { startTestBot } from '../test/support/bot.js';
import { buttonClick, declareSubmission, sign } from '../test/support/slack-requests.js';
import { updateSubmission } from '../test/support/slack-forms.js';

type Counted = { sql: string; at: number };
const trips: Counted[] = [];
let lastActivity = 0;

/** Counts round trips on every pg client of this process (the adapter's pool included); returns the undo. */
function countPg(): () => void {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown; __inFlight?: number };
  const original = proto.query;
  proto.query = function (this: { __inFlight?: number }, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    const sql = typeof config === 'string' ? config : (config?.text ?? '');
    if (!this.__inFlight) trips.push({ sql, at: performance.now() });
    this.__inFlight = (this.__inFlight ?? 0) + 1;
    lastActivity = performance.now();
    const done = () => {
      this.__inFlight! -= 1;
      lastActivity = performance.now();
    };
    const cbAt = args.findIndex((a) => typeof a === 'function');
    if (cbAt >= 0) {
      const cb = args[cbAt] as (...r: unknown[]) => void;
      args[cbAt] = (...r: unknown[]) => {
        done();
        cb(...r);
      };
      return original.apply(this, args);
    }
    const out = original.apply(this, args) as Promise<unknown>;
    return out.then(
      (v) => (done(), v),
      (e) => {
        done();
        throw e;
      },
    );
  };
  return () => {
    proto.query = original;
  };
}

const isRefresh = (sql: string) => /room_messages/.test(sql) && /^\s*(UPDATE|WITH given)/i.test(sql);

async function quiet(calls: () => number, ms = 300): Promise<void> {
  let seen = calls();
  for (;;) {
    await new Promise((r) => setTimeout(r, ms));
    const now = calls();
    if (now === seen && performance.now() - lastActivity >= ms) return;
    seen = now;
  }
}

export type IntentCount = { intent: string; ack: number; beforeRefresh: number; refresh: number; chat: Record<string, number> };

export async function countRoundTrips(repeat = 5): Promise<IntentCount[]> {
  const uncount = countPg();
  const t = await startTestBot();
  const send = async (body: string) => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(t.eventsUrl, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts) } });
    await res.text();
  };
  const measure = async (intent: string, bodies: string[]): Promise<IntentCount> => {
    const totals = { ack: 0, beforeRefresh: 0, refresh: 0 };
    const chat: Record<string, number> = {};
    for (const body of bodies) {
      const fromTrip = trips.length;
      const fromCall = t.slack.calls.length;
      await send(body);
      const acked = trips.length;
      await quiet(() => t.slack.calls.length + trips.length);
      // A repaint starts once its change is committed, and its first statement may leave before the
      // HTTP answer does: it is still the refresh's, not the ack path's.
      const before = trips.slice(fromTrip, acked).filter((q) => !isRefresh(q.sql)).length;
      const all = trips.slice(fromTrip);
      totals.ack += before;
      totals.refresh += all.filter((q) => isRefresh(q.sql)).length;
      totals.beforeRefresh += all.filter((q) => !isRefresh(q.sql)).length;
      for (const c of t.slack.calls.slice(fromCall)) chat[c.method] = (chat[c.method] ?? 0) + 1;
    }
    const per = (n: number) => n / bodies.length;
    return { intent, ack: per(totals.ack), beforeRefresh: per(totals.beforeRefresh), refresh: per(totals.refresh), chat: Object.fromEntries(Object.entries(chat).map(([k, v]) => [k, per(v)])) };
  };
  try {
    const who = (user: string, channel: string) => ({ team: 'TCOUNT', user, channel });
    // A first declaration warms the workspace cache and the JIT; it is not counted.
    await send(declareSubmission(who('UWARM', 'CGENERAL'), 'VWARM', { title: 'Warm-up incident', severity: 'SEV2', areas: ['rendering'] }));
    await quiet(() => t.slack.calls.length + trips.length);
    const declare = await measure('declare submission', Array.from({ length: repeat }, (_, i) => declareSubmission(who(`UDECL${i}`, 'CGENERAL'), `VCOUNT${i}`, { title: `Counted incident ${i}`, severity: 'SEV2', areas: ['rendering'] })));
    const rows = await t.db.$queryRawUnsafe<{ id: string; room_id: string; declared_by: string }[]>(
      `SELECT id, room_id, declared_by FROM incidents WHERE room_id IS NOT NULL AND title LIKE 'Counted incident %' ORDER BY number`,
    );
    const done = await measure('Done click (checklist step)', rows.map((r) => buttonClick(who(r.declared_by, r.room_id), 'item:done:triage.assign-leads', r.id, 'http://127.0.0.1:9/unused')));
    const take = await measure('Take role click', rows.map((r, i) => buttonClick(who(`UTAKER${i}`, r.room_id), 'take_role:ops', r.id, 'http://127.0.0.1:9/unused')));
    const update = await measure('update submission', rows.map((r) => updateSubmission(who(r.declared_by, r.room_id), r.room_id, { changed: 'Rolled back.', impact: 'Activation failing.', mitigation: 'rollback', mitigationDetail: 'LKG pinned', nextActions: 'Verify.', owner: r.declared_by })));
    return [declare, done, take, update];
  } finally {
    await t.stop();
    uncount();
  }
}

export function roundTripLines(counts: IntentCount[]): string[] {
  const f = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  return [
    'Round trips per intent (in-process bot, one request at a time; targets: ack path <= 2, before refresh <= 3; refresh = 1 chat call per changed message)',
    ...counts.map(
      (c) =>
        `  ${c.intent.padEnd(28)} db: ack path ${f(c.ack)} (${c.ack <= 2 ? 'met' : 'NOT MET'}), in all before refresh ${f(c.beforeRefresh)} (${c.beforeRefresh <= 3 ? 'met' : 'NOT MET'}), refresh ${f(c.refresh)}; chat: ${Object.entries(c.chat).map(([m, n]) => `${m} ${f(n)}`).join(', ') || 'none'}`,
    ),
  ];
}

if (process.argv[1]?.endsWith('round-trips.ts')) {
  process.stdout.write(`${roundTripLines(await countRoundTrips()).join('\n')}\n`);
}
