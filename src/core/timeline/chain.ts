// The timeline's hash chain. Each event's hash covers its canonical content and the previous
// event's hash, so an edit, a deletion or a reordering anywhere breaks every later link. The hash is
// an HMAC with the timeline key, so someone who can write to the database cannot forge a chain: a
// rewritten event needs every later hash and the head recomputed, and that needs the key.
import { createHash, createHmac } from 'node:crypto';
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

/**
 * The key, and the first event hashed with it. Chains begun before keys (incidents migrated from
 * then) keep their plain SHA-256 events before `keyedFrom`; the first keyed event pins them through
 * its previous hash.
 */
export type ChainKeying = { key: string; keyedFrom: number };

/** The event's hash: HMAC-SHA256 with the key, or plain SHA-256 (key null) for the events before keys. */
export function hashEvent(prevHash: string, e: ChainedFields, key: string | null): string {
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
  return (key === null ? createHash('sha256') : createHmac('sha256', key)).update(body ?? '').digest('hex');
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Checks events in seq order; returns the first broken link, or null when the chain holds. With the
 * head recorded on the incident, a tail cut off the end is caught as well. A chain with no keyed
 * event proves nothing (anyone could have written it), so it does not hold.
 */
export function findChainBreak(events: readonly ChainedEvent[], keying: ChainKeying, head?: { seq: number; hash: string }): ChainBreak | null {
  if (keying.keyedFrom > events.length) {
    return { seq: keying.keyedFrom, reason: 'no event of this chain is keyed, so anyone could have written it (start the bot with its timeline key once to seal chains begun before keys)' };
  }
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) return { seq: e.seq, reason: `expected event #${i + 1}, found #${e.seq} (a gap or a reordering)` };
    if (e.prevHash !== prev) return { seq: e.seq, reason: 'its previous-hash does not match the event before it' };
    if (hashEvent(prev, e, e.seq >= keying.keyedFrom ? keying.key : null) !== e.hash) return { seq: e.seq, reason: 'its content does not match its hash (or it was hashed with another timeline key)' };
    prev = e.hash;
  }
  if (head && (head.seq !== events.length || head.hash !== prev)) {
    return { seq: events.length + 1, reason: `the incident records ${head.seq} events but the timeline holds ${events.length} (events removed from the end)` };
  }
  return null;
}
