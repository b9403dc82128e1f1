// Loaded into the bot's process by the bench (`--import`): answers `memory` over IPC with the
// process's memory before and after a full GC, and the GC pauses seen since start.
import { PerformanceObserver } from 'node:perf_hooks';

const pauses = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    pauses.count += 1;
    pauses.totalMs += e.duration;
    pauses.maxMs = Math.max(pauses.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

process.on('message', (m) => {
  if (m !== 'memory') return;
  const before = process.memoryUsage();
  globalThis.gc?.();
  const after = process.memoryUsage();
  process.send?.({ before, after, pauses });
});
