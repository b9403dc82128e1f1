// The delivery a change belongs to. A user intent runs inside `inDelivery(key)`; every change it
// makes takes the next key of that delivery (`<key>#0`, `<key>#1`, …), so a redelivery of the same
// intent meets its own earlier keys, in the same order, and replays instead of deciding again.
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<{ key: string; next: number }>();

export function inDelivery<T>(key: string, work: () => Promise<T>): Promise<T> {
  return scope.run({ key, next: 0 }, work);
}

/** The key of the next change in the current delivery, or null outside one (the scheduler, set-up). */
export function nextChangeKey(): string | null {
  const s = scope.getStore();
  return s ? `${s.key}#${s.next++}` : null;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A stored result as the first delivery returned it: JSON gives timestamps back as strings. */
export function revive(value: unknown): unknown {
  if (typeof value === 'string') return ISO.test(value) ? new Date(value) : value;
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  return value;
}
