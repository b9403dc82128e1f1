// Chains new events onto a timeline head, keyed with the timeline key. Pure: the repository reads the
// head under the incident's row lock and writes these rows and the new head in the same transaction.
import type { NewEvent } from '../core/ports.js';
import { hashEvent } from '../core/timeline/chain.js';

export type Head = { seq: number; hash: string };
export type EventRow = { seq: number; type: string; actor: string | null; data: Record<string, unknown>; prevHash: string; hash: string };

export function chainEvents(key: string, incidentId: string, head: Head, at: Date, events: NewEvent[]): { rows: EventRow[]; head: Head } {
  let { seq, hash } = head;
  const rows = events.map((e) => {
    seq += 1;
    const prevHash = hash;
    hash = hashEvent(prevHash, { incidentId, seq, type: e.type, actor: e.actor, data: e.data, occurredAt: at }, key);
    return { seq, type: e.type, actor: e.actor, data: e.data, prevHash, hash };
  });
  return { rows, head: { seq, hash } };
}
