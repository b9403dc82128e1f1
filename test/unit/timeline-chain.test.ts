// The timeline is evidence: any edit, reordering or deletion must be found, and the first broken
// link named, so `timeline:verify` can tell a responder where the record stops being trustworthy.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import type { TimelineEvent } from '../../src/core/ports.js';
import { findChainBreak, GENESIS_HASH, hashEvent } from '../../src/core/timeline/chain.js';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';
import { TEST_KEYING } from '../fakes/timeline-key.js';

let events: TimelineEvent[];

/** A fresh, deep copy of the genuine timeline for each tampering. */
const genuine = (): TimelineEvent[] => structuredClone(events);

beforeAll(async () => {
  const clock = new TestClock('2026-03-02T09:00:00.000Z');
  const service = new IncidentService({ repo: new MemoryIncidentRepository(), clock, ...loadContent() });
  const ws = await service.workspace('slack', 'T_ACME');
  const { state } = await service.declare(ws, 'U_IC', 'V_1', 'C_GENERAL', {
    title: 'Signature mismatch on stable',
    severity: 'SEV1',
    areas: ['trust_roots_keys', 'distribution_activation'],
    tenants: ['acme', 'globex'],
    integrityUncertain: true,
  });
  const id = state.incident.id;
  clock.advance(30_000);
  await service.attachRoom(ws, id, { id: 'C_INC', name: 'inc-1-signature-mismatch-on-stable' });
  clock.advance(30_000);
  await service.assignRole(ws, id, 'U_IC', 'sec', 'U_SEC');
  clock.advance(30_000);
  await service.takeRole(ws, { incidentId: id, roomId: 'C_INC' }, 'U_OPS', 'ops');
  clock.advance(30_000);
  await service.changeSeverity(ws, id, 'U_IC', 'SEV0', 'key compromise suspected');
  await service.recordDeliveryFailure(ws, id, 'invite', 'user_not_found');
  events = await service.timeline(ws, id);
});

describe('a timeline written by the service', () => {
  it('is numbered 1..n from the genesis hash, and verifies', () => {
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(findChainBreak(events, TEST_KEYING)).toBeNull();
  });

  it('still verifies when the database hands back object keys in another order (jsonb does)', () => {
    const reordered = genuine().map((e) => ({
      ...e,
      data: Object.fromEntries(Object.entries(e.data as Record<string, unknown>).reverse()),
    }));
    expect(JSON.stringify(reordered[0]!.data)).not.toBe(JSON.stringify(events[0]!.data));
    expect(findChainBreak(reordered, TEST_KEYING)).toBeNull();
  });
});

describe('tampering is found at the first broken link', () => {
  it.each([
    ['the data of an event', 5, (e: TimelineEvent) => void (e.data = { from: 'SEV1', to: 'SEV3', reason: 'key compromise suspected' })],
    ['a nested value in the data', 1, (e: TimelineEvent) => void ((e.data as { tenants: string[] }).tenants.pop())],
    ['who acted', 3, (e: TimelineEvent) => void (e.actor = 'U_SOMEONE_ELSE')],
    ['when it happened', 4, (e: TimelineEvent) => void (e.occurredAt = new Date(e.occurredAt.getTime() - 3_600_000))],
    ['its type', 6, (e: TimelineEvent) => void (e.type = 'note')],
    ['which incident it belongs to', 2, (e: TimelineEvent) => void (e.incidentId = '00000000-0000-4000-8000-000000000000')],
  ])('altering %s (event #%i)', (_what, seq, alter) => {
    const t = genuine();
    alter(t[seq - 1]!);
    const b = findChainBreak(t, TEST_KEYING);
    expect(b).not.toBeNull();
    expect(b!.seq).toBe(seq);
    expect(b!.reason).toMatch(/content does not match its hash/);
  });

  it('altering an event and recomputing its own hash breaks the link after it', () => {
    const t = genuine();
    const e = t[2]!;
    e.data = { role: 'sec', userId: 'U_ATTACKER', previous: null };
    e.hash = hashEvent(e.prevHash, e, TEST_KEYING.key);
    const b = findChainBreak(t, TEST_KEYING);
    expect(b).toEqual({ seq: 4, reason: expect.stringMatching(/previous-hash/) });
  });

  it('swapping two events is reported where the order first goes wrong', () => {
    const t = genuine();
    [t[2], t[3]] = [t[3]!, t[2]!];
    const b = findChainBreak(t, TEST_KEYING);
    expect(b).not.toBeNull();
    expect(b!.seq).toBe(4); // event #4 found where #3 belongs
    expect(b!.reason).toMatch(/expected event #3, found #4/);
  });

  it('swapping two events and renumbering them is still found, at the first moved one', () => {
    const t = genuine();
    [t[2], t[3]] = [t[3]!, t[2]!];
    t[2]!.seq = 3;
    t[3]!.seq = 4;
    const b = findChainBreak(t, TEST_KEYING);
    expect(b?.seq).toBe(3);
  });

  it('deleting an event is reported at the event after the gap', () => {
    const t = genuine();
    t.splice(1, 1);
    const b = findChainBreak(t, TEST_KEYING);
    expect(b?.seq).toBe(3);
    expect(b!.reason).toMatch(/expected event #2, found #3/);
  });

  it('deleting an event and renumbering the rest is still found at the first renumbered one', () => {
    const t = genuine();
    t.splice(3, 1);
    t.forEach((e, i) => (e.seq = i + 1));
    const b = findChainBreak(t, TEST_KEYING);
    expect(b?.seq).toBe(4);
  });

  it('deleting the first event is reported at once', () => {
    const t = genuine();
    t.shift();
    expect(findChainBreak(t, TEST_KEYING)?.seq).toBe(2);
  });

  it('forging a prevHash onto the genesis is found', () => {
    const t = genuine();
    t[0]!.prevHash = 'f'.repeat(64);
    expect(findChainBreak(t, TEST_KEYING)).toEqual({ seq: 1, reason: expect.stringMatching(/previous-hash/) });
  });

  it('cutting events off the end is only found against the head recorded on the incident', () => {
    const t = genuine();
    const head = { seq: t.length, hash: t.at(-1)!.hash };
    expect(findChainBreak(t, TEST_KEYING, head)).toBeNull();
    t.pop();
    expect(findChainBreak(t, TEST_KEYING)).toBeNull();
    expect(findChainBreak(t, TEST_KEYING, head)).toEqual({ seq: t.length + 1, reason: expect.stringMatching(/events removed from the end/) });
  });
});

describe('the key', () => {
  /** The chain as someone with database access but without the key would rewrite it: every hash redone. */
  function rewritten(key: string | null): TimelineEvent[] {
    const t = genuine();
    t[4]!.data = { from: 'SEV1', to: 'SEV3', reason: 'nothing to see' };
    let prev = GENESIS_HASH;
    for (const e of t) {
      e.prevHash = prev;
      e.hash = hashEvent(prev, e, key);
      prev = e.hash;
    }
    return t;
  }

  it.each([
    ['plain SHA-256', null],
    ['another key', 'a-key-that-is-not-the-timeline-key-at-all'],
  ])('finds an event rewritten with its chain and head recomputed with %s', (_name, key) => {
    const t = rewritten(key);
    const head = { seq: t.length, hash: t.at(-1)!.hash };
    expect(findChainBreak(t, TEST_KEYING, head)).toEqual({ seq: 1, reason: expect.stringMatching(/does not match its hash/) });
  });

  it('verifies a chain begun before keys from its first keyed event on, the plain events pinned by it', () => {
    const t = genuine();
    let prev = GENESIS_HASH;
    for (const e of t) {
      e.prevHash = prev;
      e.hash = hashEvent(prev, e, e.seq >= 6 ? TEST_KEYING.key : null);
      prev = e.hash;
    }
    expect(findChainBreak(t, { key: TEST_KEYING.key, keyedFrom: 6 })).toBeNull();
    // Calling every event plain (a downgrade) does not make a rewrite pass: the chain must hold a keyed event.
    expect(findChainBreak(t, { key: TEST_KEYING.key, keyedFrom: t.length + 1 })?.reason).toMatch(/no event of this chain is keyed/);
    // Nor does moving the boundary: the keyed events no longer match as plain ones.
    expect(findChainBreak(t, { key: TEST_KEYING.key, keyedFrom: 7 })).toEqual({ seq: 6, reason: expect.stringMatching(/does not match its hash/) });
  });
});
