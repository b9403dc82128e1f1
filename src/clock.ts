// The clocks the process runs on: real time, or a drill's clock running `speed` times faster from the
// moment it starts (one real minute is an hour of incident time at 60). Only the core's Clock port
// sees them; PostgreSQL's now() never decides a due time.
import type { Clock } from './core/ports.js';

export function processClock(speed = 1): Clock {
  if (speed === 1) return { now: () => new Date() };
  const origin = Date.now();
  return { speed, now: () => new Date(origin + (Date.now() - origin) * speed) };
}
