// Drill incidents are practice: declared with the drill mark, they keep it, and their header and
// postmortem packet say so; an ordinary declaration carries no mark.
import { describe, expect, it } from 'vitest';
import { renderPacket } from '../../src/core/postmortem/packet.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { headerView } from '../../src/core/views/incident.js';
import { coreFixture } from '../support/core.js';

const content = loadContent();
const form = { title: 'Drill: signing key may be exposed', severity: 'SEV1' as const, areas: ['trust_roots_keys' as const] };

describe('a drill incident', () => {
  it('is marked as a drill in its state, its header and its postmortem packet', async () => {
    const f = await coreFixture('2026-01-01T12:00:00.000Z');
    const { state } = await f.incidents.declare(f.ws, 'ic', 'drill-1', null, { ...form, drill: true });
    expect(state.incident.drill).toBe(true);
    expect((await f.repo.findById(f.ws, state.incident.id))?.incident.drill).toBe(true);
    expect(headerView(content, state, { now: f.clock.now() }).drill).toBe(true);
    const packet = renderPacket(state, await f.repo.timeline(f.ws, state.incident.id), content, f.clock.now());
    expect(packet.split('\n').slice(0, 4).join('\n')).toContain('**DRILL**');
    expect((await f.repo.timeline(f.ws, state.incident.id))[0]!.data).toMatchObject({ drill: true });
  });

  it('is not what an ordinary declaration makes', async () => {
    const f = await coreFixture('2026-01-01T12:00:00.000Z');
    const { state } = await f.incidents.declare(f.ws, 'ic', 'real-1', null, form);
    expect(state.incident.drill).toBeUndefined();
    expect(headerView(content, state, { now: f.clock.now() }).drill).toBeUndefined();
    expect(renderPacket(state, await f.repo.timeline(f.ws, state.incident.id), content, f.clock.now())).not.toContain('DRILL');
    expect((await f.repo.timeline(f.ws, state.incident.id))[0]!.data).not.toHaveProperty('drill');
  });
});
