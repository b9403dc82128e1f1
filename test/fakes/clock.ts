// A clock that only moves when a test moves it.
import type { Clock } from '../../src/core/ports.js';

export class TestClock implements Clock {
  private ms: number;

  constructor(start: Date | string | number = '2026-01-01T00:00:00.000Z') {
    this.ms = new Date(start).getTime();
    if (Number.isNaN(this.ms)) throw new Error(`TestClock: not a date: ${String(start)}`);
  }

  /** A fresh Date each call, so a caller mutating it cannot move the clock. */
  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`TestClock: cannot advance by ${ms} ms`);
    this.ms += ms;
    return this.now();
  }
}
