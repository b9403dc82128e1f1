// Where the timeline key comes from, and what becomes of chains written before keys: the first start
// with a key seals each of them with a keyed event, after which they verify and a rewrite is caught.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { findChainBreak, GENESIS_HASH, hashEvent } from '../../src/core/timeline/chain.js';
import { locateIncident } from '../../src/db/incident-locator.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { timelineKey } from '../../src/db/timeline-key.js';
import { TEST_TIMELINE_KEY } from '../fakes/timeline-key.js';
import { databaseForTests } from '../support/database.js';

describe('the timeline key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'timeline-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated once into the data folder, readable by the bot user only, and kept', () => {
    expect(() => timelineKey({ dataDir: dir }, { create: false })).toThrow(ConfigError);
    const key = timelineKey({ dataDir: dir }, { create: true });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path.join(dir, 'timeline.key')).mode & 0o777).toBe(0o600);
    expect(timelineKey({ dataDir: dir }, { create: true })).toBe(key);
    expect(timelineKey({ dataDir: dir }, { create: false })).toBe(key);
  });

  it('comes from TIMELINE_KEY when set, and must be set for a shared DATABASE_URL', () => {
    expect(timelineKey({ dataDir: dir, timelineKey: TEST_TIMELINE_KEY }, { create: true })).toBe(TEST_TIMELINE_KEY);
    expect(() => timelineKey({ dataDir: dir, databaseUrl: 'postgresql://db/x' }, { create: true })).toThrow(/TIMELINE_KEY/);
  });
});

describe('a chain written before keys', () => {
  const opened = databaseForTests();

  it('is sealed with a keyed event at start, and then verifies', async () => {
    const repo = new PrismaIncidentRepository(opened.db, TEST_TIMELINE_KEY);
    const service = new IncidentService({ repo, clock: { now: () => new Date() }, ...loadContent() });
    const ws = await service.workspace('slack', 'TLEGACY');
    const id = (await service.declare(ws, 'UA', 'K1', null, { title: 'Old', severity: 'SEV2' })).state.incident.id;
    await service.changeSeverity(ws, id, 'UA', 'SEV1', 'worse');

    // Make it what an older build wrote: plain SHA-256 hashes, and the migration's keyed_from past the end.
    const events = await repo.timeline(ws, id);
    const client = new pg.Client({ connectionString: opened.url });
    await client.connect();
    try {
      await client.query('ALTER TABLE timeline_events DISABLE TRIGGER timeline_events_append_only');
      let prev = GENESIS_HASH;
      for (const e of events) {
        const hash = hashEvent(prev, e, null);
        await client.query('UPDATE timeline_events SET prev_hash = $3, hash = $4 WHERE incident_id = $1 AND seq = $2', [id, e.seq, prev, hash]);
        prev = hash;
      }
      await client.query('ALTER TABLE timeline_events ENABLE TRIGGER timeline_events_append_only');
      await client.query('UPDATE incidents SET timeline_head = $2, keyed_from = timeline_seq + 1 WHERE id = $1', [id, prev]);
    } finally {
      await client.end();
    }
    const legacy = (await locateIncident(opened.db, { incidentId: id }))!;
    expect(findChainBreak(await repo.timeline(ws, id), { key: TEST_TIMELINE_KEY, keyedFrom: legacy.keyedFrom }, legacy.head)?.reason).toMatch(/no event of this chain is keyed/);

    expect(await repo.sealUnkeyedChains(new Date())).toBe(1);
    expect(await repo.sealUnkeyedChains(new Date())).toBe(0);
    const sealed = (await locateIncident(opened.db, { incidentId: id }))!;
    const timeline = await repo.timeline(ws, id);
    expect(timeline.at(-1)).toMatchObject({ seq: events.length + 1, type: 'timeline.keyed', data: { unkeyedEvents: events.length } });
    expect(findChainBreak(timeline, { key: TEST_TIMELINE_KEY, keyedFrom: sealed.keyedFrom }, sealed.head)).toBeNull();
    expect(await repo.chainHead(ws, id)).toEqual(sealed.head);
  });
});
