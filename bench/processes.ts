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

/** Starts the compiled bot (dist/, built by `npm run bench`), exactly as `npm start` does, and returns once /readyz answers. */
export async function startBotProcess(env: Record<string, string>) {
  const port = await freePort();
  const t0 = performance.now();
  const child = fork('dist/src/main.js', [], {
    execArgv: [],
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

export function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

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
