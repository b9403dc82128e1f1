// The timeline's hash chain. Each event's hash covers its canonical content and the previous
// event's hash, so an edit, a deletion or a reordering anywhere breaks every later link.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export type ChainedFields = {
  incidentId: string;
  seq: number;
  type: string;
  actor: string | null;
  data: unknown;
  occurredAt: Date;
};

export type ChainedEvent = ChainedFields & { prevHash: string; hash: string };

export function hashEvent(prevHash: string, e: ChainedFields): string {
  // RFC 8785 canonical JSON: jsonb reorders keys, so the bytes hashed must not depend on order.
  const body = canonicalize({
    incidentId: e.incidentId,
    seq: e.seq,
    type: e.type,
    actor: e.actor,
    data: e.data,
    occurredAt: e.occurredAt.toISOString(),
    prevHash,
  });
  return createHash('sha256').update(body ?? '').digest('hex');
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Checks events in seq order; returns the first broken link, or null when the chain holds. With the
 * head recorded on the incident, a tail cut off the end is caught as well.
 */
export function findChainBreak(events: readonly ChainedEvent[], head?: { seq: number; hash: string }): ChainBreak | null {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) return { seq: e.seq, reason: `expected event #${i + 1}, found #${e.seq} (a gap or a reordering)` };
    if (e.prevHash !== prev) return { seq: e.seq, reason: 'its previous-hash does not match the event before it' };
    if (hashEvent(prev, e) !== e.hash) return { seq: e.seq, reason: 'its content does not match its hash' };
    prev = e.hash;
  }
  if (head && (head.seq !== events.length || head.hash !== prev)) {
    return { seq: events.length + 1, reason: `the incident records ${head.seq} events but the timeline holds ${events.length} (events removed from the end)` };
  }
  return null;
}
