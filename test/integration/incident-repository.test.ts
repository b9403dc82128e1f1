// The Prisma repository on a real database: the repository contract the in-memory fake keeps too, and
// the races a busy incident produces.
import { expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { findChainBreak } from '../../src/core/timeline/chain.js';
import { PrismaIncidentRepository } from '../../src/db/incident-repository.js';
import { databaseForTests } from '../support/database.js';
import { repositoryContract } from '../support/repository-contract.js';
import { TEST_TIMELINE_KEY, TEST_KEYING } from '../fakes/timeline-key.js';

const opened = databaseForTests();
const service = () => new IncidentService({ repo: new PrismaIncidentRepository(opened.db, TEST_TIMELINE_KEY), clock: { now: () => new Date() }, ...loadContent() });

it('resolves a new workspace once when its first requests arrive together', async () => {
  const all = await Promise.all(Array.from({ length: 12 }, () => service().workspace('slack', 'TRACE')));
  expect(new Set(all.map((w) => w.id)).size).toBe(1);
  expect(await opened.db.workspace.count({ where: { externalId: 'TRACE' } })).toBe(1);
});

it('numbers concurrent declarations 1..n without gaps, and a repeated key only once', async () => {
  const s = service();
  const ws = await s.workspace('slack', 'TNUM');
  const declare = (k: string) => s.declare(ws, 'UA', k, null, { title: `Incident ${k}`, severity: 'SEV3' });
  const results = await Promise.all(Array.from({ length: 15 }, (_, i) => declare(`K${i}`)));
  expect(results.filter((r) => r.created)).toHaveLength(15);
  // Retries arrive after the first submission committed: they find it and take no number.
  for (const k of ['K0', 'K1', 'K1']) expect(await declare(k)).toMatchObject({ created: false, state: { incident: { title: `Incident ${k}` } } });
  const numbers = (await opened.db.incident.findMany({ where: { workspaceId: ws.id }, select: { number: true } })).map((r) => r.number).sort((a, b) => a - b);
  expect(numbers).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
});

it('serialises concurrent changes to one incident: one role winner, an unbroken chain', async () => {
  const s = service();
  const ws = await s.workspace('slack', 'TLOCK');
  const { state } = await s.declare(ws, 'UIC', 'K', null, { title: 'Lock test', severity: 'SEV2' });
  const id = state.incident.id;
  await s.attachRoom(ws, id, { id: 'CLOCK', name: 'inc-1-lock-test' });
  const takes = await Promise.allSettled(['U1', 'U2', 'U3', 'U4', 'U5'].map((u) => s.takeRole(ws, { incidentId: id, roomId: 'CLOCK' }, u, 'ops')));
  expect(takes.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
  await Promise.all([s.changeSeverity(ws, id, 'UIC', 'SEV1', 'a'), s.changeSeverity(ws, id, 'UIC', 'SEV0', 'b'), s.takeRole(ws, { incidentId: id, roomId: 'CLOCK' }, 'USEC', 'sec')]);
  const timeline = await s.timeline(ws, id);
  expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
  expect(findChainBreak(timeline, TEST_KEYING)).toBeNull();
  expect(await opened.db.roleAssignment.count({ where: { incidentId: id, role: 'ops' } })).toBe(1);
});

it('never reads or changes an incident through another workspace', async () => {
  const s = service();
  const mine = await s.workspace('slack', 'TMINE');
  const theirs = await s.workspace('slack', 'TTHEIRS');
  const { state } = await s.declare(mine, 'UA', 'K', null, { title: 'Mine', severity: 'SEV3' });
  expect(await new PrismaIncidentRepository(opened.db, TEST_TIMELINE_KEY).findById(theirs, state.incident.id)).toBeNull();
  await expect(s.changeSeverity(theirs, state.incident.id, 'UA', 'SEV1', null)).rejects.toMatchObject({ code: 'incident_not_found' });
  expect(await s.timeline(theirs, state.incident.id)).toEqual([]);
});

repositoryContract('PrismaIncidentRepository', async () => ({
  repo: new PrismaIncidentRepository(opened.db, TEST_TIMELINE_KEY),
  written: async () => ({
    workspaces: await opened.db.workspace.count(),
    incidents: await opened.db.incident.count(),
    assignments: await opened.db.roleAssignment.count(),
    events: await opened.db.timelineEvent.count(),
    items: await opened.db.checklistItem.count(),
    deliveries: await opened.db.delivery.count(),
  }),
}));
