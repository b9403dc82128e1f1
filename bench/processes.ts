// Child processes for the benchmark: the bot as `npm start` runs it, and the bare Bolt floor.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const children = new Set<ChildProcess>();
// A failed run must not leave a bot or the floor running behind it.
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function waitReady(url: string, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The node flags `npm start` passes (its heap limit), read from package.json so the bench runs what ships. */
export const START_FLAGS: string[] = (() => {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  return (/\bnode (.*?) dist\/src\/main\.js/.exec(start)?.[1] ?? '').split(' ').filter((f) => f.startsWith('--max-'));
})();

/** Starts the compiled bot (dist/, built by `npm run bench`) as `npm start` does (its node flags
 * unless others are given), with the memory probe loaded, and returns once /readyz answers. */
export async function startBotProcess(env: Record<string, string>, nodeFlags: string[] = START_FLAGS) {
  const port = await freePort();
  const t0 = performance.now();
  const child = fork('dist/src/main.js', [], {
    execArgv: [...nodeFlags, '--expose-gc', '--import', './bench/memory-probe.mjs'],
    env: { ...process.env, TIMELINE_KEY: 'bench-timeline-key-0123456789abcdef0123456789', ...env, PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  await waitReady(`http://127.0.0.1:${port}/readyz`);
  return { child, port, startupMs: performance.now() - t0 };
}

export async function startFloorProcess(secret: string, slackApiUrl: string) {
  const port = await freePort();
  const child = fork('bench/bare-bolt.ts', [secret, String(port), slackApiUrl], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  await new Promise((r) => child.once('message', r));
  return { child, port };
}

export type MemoryReport = { before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage; pauses: { count: number; totalMs: number; maxMs: number } };

/** The bot's memory before and after a forced GC, and its GC pauses (needs bench/memory-probe.ts loaded). */
export function memoryOf(child: ChildProcess): Promise<MemoryReport> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as MemoryReport));
    child.send('memory');
  });
}

export function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** User plus system CPU time of a child so far, in ms, from /proc/<pid>/stat (fields 14 and 15, in clock ticks). */
export function cpuMs(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => {
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
