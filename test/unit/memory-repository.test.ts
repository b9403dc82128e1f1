// The in-memory repository keeps the same contract as the Prisma one (test/integration/incident-repository.test.ts runs it
// there), or the service tests prove nothing.
import { describe, expect, it } from 'vitest';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';
import { repositoryContract } from '../support/repository-contract.js';

repositoryContract('MemoryIncidentRepository', async () => {
  const repo = new MemoryIncidentRepository();
  return { repo, written: async () => repo.counts() };
});

describe('TestClock', () => {
  it('moves only when advanced, and hands out copies', () => {
    const c = new TestClock('2026-01-01T00:00:00.000Z');
    const d = c.now();
    d.setFullYear(1999);
    expect(c.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    c.advance(90_000);
    expect(c.now().toISOString()).toBe('2026-01-01T00:01:30.000Z');
  });
});
