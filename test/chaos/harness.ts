// The chaos run's world: a seeded random source, one fake Slack Web API that loses answers at random
// after doing the work, and a fleet of real bot processes in HTTP mode on one PostgreSQL, which the
// run kills (SIGKILL) and starts again.
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, mkdtempSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RUNBOOK_DIR } from '../../src/core/runbook/loader.js';
import { freePort, waitReady } from '../../bench/processes.js';
import { FakeSlackApi, type Fault } from '../fakes/slack-api.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';
import { SIGNING_SECRET } from '../support/slack-requests.js';

export type Random = { next(): number; int(n: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T };

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), chance: (p) => next() < p, pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

/** Calls whose work Slack may do without the bot ever hearing of it. */
const EFFECTFUL = new Set(['chat.postMessage', 'conversations.create', 'chat.update', 'pins.add', 'conversations.setTopic', 'conversations.invite']);

/**
 * The fake Slack Web API, losing the answer to an effectful call with probability `rate`: the work
 * is done, then the connection drops, or a 503 is answered, or (rarely, it costs the bot's 5 s
 * timeout) the answer never comes. Lookups sometimes fail before any work, as a busy Slack's do.
 */
export async function faultySlack(random: Random, rate: number): Promise<FakeSlackApi & { injected: Map<string, number> }> {
  const slack = Object.assign(await new FakeSlackApi().start(), { injected: new Map<string, number>() });
  const count = (what: string) => slack.injected.set(what, (slack.injected.get(what) ?? 0) + 1);
  slack.faults = (method): Fault | undefined => {
    if (EFFECTFUL.has(method)) {
      if (!random.chance(rate)) return undefined;
      const roll = random.next();
      const fault: Fault = roll < 0.5 ? { dropped: true } : roll < 0.9 ? { after: 503 } : { lost: true };
      count(`${method} ${Object.keys(fault)[0]}`);
      return fault;
    }
    if ((method === 'conversations.history' || method === 'conversations.list') && random.chance(rate / 3)) {
      count(`${method} status`);
      return { status: 503 };
    }
    return undefined;
  };
  return slack;
}

/** A copy of the shipped runbook whose cadence runs in seconds, so reminders fall due during a run. */
export function fastRunbook(dir: string): string {
  const runbook = path.join(dir, 'runbook');
  cpSync(RUNBOOK_DIR, runbook, { recursive: true });
  writeFileSync(
    path.join(runbook, 'cadence.yaml'),
    [
      'updateEveryMinutes: { SEV0: 0.1, SEV1: 0.1, SEV2: 0.15, SEV3: null, SEV4: null }',
      'snoozeMinutes: 0.1',
      'escalateAfterMissed: 2',
      'triageReminderMinutes: 0.1',
      'mitigationOptions: [freeze, rollback, quarantine, none]',
      '',
    ].join('\n'),
  );
  return runbook;
}

export type FleetOptions = {
  size: number;
  databaseUrl: string;
  slackApiUrl: string;
  /** `dist`: the compiled bot as `npm start` runs it (build first); `tsx`: src/main.ts. */
  entry: 'dist' | 'tsx';
  /** Where the processes' logs go, one file for the run. */
  logFile: string;
  runbookDir: string;
  leaseSeconds: number;
};

type Slot = { child: ChildProcess | null; url: string | null; starting: Promise<void> | null };

/** The bot processes of a run, each slot alive, dead or starting. */
export class Fleet {
  private readonly slots: Slot[];
  private readonly log: WriteStream;
  kills = 0;
  starts = 0;

  constructor(private readonly opts: FleetOptions) {
    this.slots = Array.from({ length: opts.size }, () => ({ child: null, url: null, starting: null }));
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
    // A run that fails must not leave bots behind it.
    process.on('exit', () => this.slots.forEach((s) => s.child?.kill('SIGKILL')));
  }

  async start(): Promise<void> {
    await Promise.all(this.slots.map((_, i) => this.startSlot(i)));
  }

  /** The events URLs of the processes serving now. */
  live(): string[] {
    return this.slots.flatMap((s) => (s.url ? [s.url] : []));
  }

  /**
   * SIGKILLs one of the processes serving now, picked by `random`, and starts it again in the
   * background; never the last one serving, so that Slack's retries always find a process.
   */
  killOne(random: Random): void {
    const live = this.slots.flatMap((s, i) => (s.url ? [i] : []));
    if (live.length > 1) this.kill(random.pick(live));
  }

  private kill(i: number): void {
    const slot = this.slots[i]!;
    if (!slot.child || !slot.url) return;
    this.kills++;
    slot.url = null;
    slot.child.kill('SIGKILL');
    slot.child = null;
    void this.startSlot(i);
  }

  /** Waits until every slot serves again. */
  async settle(): Promise<void> {
    await Promise.all(this.slots.map((s, i) => s.starting ?? (s.url ? undefined : this.startSlot(i))));
  }

  /** Stops every process cleanly (SIGTERM), as an operator would at the end. */
  async stop(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.starting?.catch(() => {})));
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const c = s.child;
            s.url = null;
            s.child = null;
            if (!c || c.exitCode !== null) return resolve();
            const hard = setTimeout(() => c.kill('SIGKILL'), 20_000);
            c.once('exit', () => {
              clearTimeout(hard);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    if (!this.log.writableEnded) await new Promise((r) => this.log.end(r));
  }

  private startSlot(i: number): Promise<void> {
    const slot = this.slots[i]!;
    const run = async () => {
      const port = await freePort();
      const { entry } = this.opts;
      const child = fork(entry === 'dist' ? 'dist/src/main.js' : 'src/main.ts', [], {
        execArgv: entry === 'dist' ? [] : ['--import', 'tsx'],
        env: {
          ...process.env,
          SLACK_BOT_TOKEN: 'xoxb-chaos',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: this.opts.slackApiUrl,
          DATABASE_URL: this.opts.databaseUrl,
          DATABASE_POOL_SIZE: '3',
          TIMELINE_KEY: TEST_TIMELINE_KEY,
          PORT: String(port),
          LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
          SCHEDULER_TICK_SECONDS: '1',
          SCHEDULER_LEASE_SECONDS: String(this.opts.leaseSeconds),
          RUNBOOK_DIR: this.opts.runbookDir,
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      child.stdout!.pipe(this.log, { end: false });
      child.stderr!.pipe(this.log, { end: false });
      slot.child = child;
      await waitReady(`http://127.0.0.1:${port}/readyz`, 60_000);
      // A kill while it was starting leaves the slot to the start that kill began.
      if (slot.child === child) slot.url = `http://127.0.0.1:${port}/slack/events`;
      this.starts++;
    };
    const starting = run().finally(() => {
      if (slot.starting === starting) slot.starting = null;
    });
    slot.starting = starting;
    return starting;
  }
}

/** A folder of the run's own: runbook copy and logs. */
export const runDir = () => mkdtempSync(path.join(tmpdir(), 'chaos-'));
