// The short, seeded chaos run inside `npm test`: one scripted incident against two bot processes on
// one PostgreSQL, Slack answers lost at random, processes SIGKILLed and started again. It runs
// test/chaos/run.ts as `npm run test:chaos` does, on the PostgreSQL server in DATABASE_URL (CI), or
// on a throw-away one that .ci/with-postgres starts (the embedded database serves one process only).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { MUST_BE_ZERO } from './invariants.js';

type Result = { seed: number; counts: Record<string, number>; problems: string[] };

/** The compiled bot when every source file is built (CI builds it in `npm ci`), else src/main.ts through tsx. */
function entry(): 'dist' | 'tsx' {
  const sources = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const built = (f: string) => (statSync(path.join('dist/src', f.replace(/\.ts$/, '.js')), { throwIfNoEntry: false })?.mtimeMs ?? 0) >= statSync(path.join('src', f)).mtimeMs;
  return sources.every(built) ? 'dist' : 'tsx';
}

let running: ChildProcess | undefined;
// A run cut short (a timeout) is stopped as a whole: its bots, and the PostgreSQL it started.
afterEach(async () => {
  const child = running;
  running = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
});

function runChaos(env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  const run = [process.execPath, '--import', 'tsx', 'test/chaos/run.ts'];
  const [cmd, ...args] = process.env.DATABASE_URL ? run : ['bash', '.ci/with-postgres', ...run];
  // Its own process group, so that afterEach can stop everything it started.
  const child = spawn(cmd!, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running = child;
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, output })));
}

it('kills bot processes mid-incident while Slack loses answers: every acked change once, nothing doubled, every chain intact', async () => {
  const { status, output } = await runChaos({
    CHAOS_SEED: '20261201',
    CHAOS_ROUNDS: '1',
    CHAOS_PARALLEL: '1',
    CHAOS_PROCESSES: '2',
    CHAOS_ENTRY: entry(),
    CHAOS_KILL_MS: '4000',
    CHAOS_DWELL_MS: '6000',
    CHAOS_SPARE_SETUPS: '1',
  });
  const line = output.split('\n').find((l) => l.startsWith('CHAOS_RESULT '));
  expect(line, output).toBeDefined();
  const result = JSON.parse(line!.slice('CHAOS_RESULT '.length)) as Result;
  expect(result.problems, output).toEqual([]);
  expect(Object.fromEntries(MUST_BE_ZERO.map((k) => [k, result.counts[k]]))).toEqual(Object.fromEntries(MUST_BE_ZERO.map((k) => [k, 0])));
  // It did what it is for: changes were acked, processes were killed and Slack lost answers.
  expect(result.counts['acked changes']).toBeGreaterThanOrEqual(10);
  expect(result.counts.kills).toBeGreaterThan(0);
  expect(result.counts['answers lost by slack']).toBeGreaterThan(0);
  expect(status, output).toBe(0);
}, 150_000);
