// The neutral checklist view: what every surface shows of a checklist — sections with progress, each
// item with its owner, its state and who set it when.
import { describe, expect, it } from 'vitest';
import { foldItemStates, type ChecklistEvent } from '../../src/core/checklists/state.js';
import { loadRunbook } from '../../src/core/runbook/checklists.js';
import { loadIncidentModel } from '../../src/core/runbook/loader.js';
import { checklistView, roleNamesOf } from '../../src/core/views/checklist.js';

const runbook = loadRunbook();
const names = roleNamesOf(loadIncidentModel());
const T0 = new Date('2026-01-01T12:03:00.000Z');
const T1 = new Date('2026-01-01T12:07:00.000Z');
const holders = [
  { role: 'ic' as const, userId: 'UIC' },
  { role: 'ops' as const, userId: 'UOPS' },
];

describe('checklistView', () => {
  const events: ChecklistEvent[] = [
    { type: 'checklist.item.done', itemId: 'triage.assign-leads', actor: 'UIC', at: T0 },
    { type: 'checklist.item.skipped', itemId: 'triage.freeze-automation', actor: 'UOPS', at: T1, reason: 'nothing automated is running' },
    { type: 'checklist.item.na', itemId: 'triage.snapshot-render-bundles', actor: 'UIC', at: T1 },
    { type: 'checklist.item.done', itemId: 'triage.snapshot-trust-roots', actor: 'UIC', at: T0 },
    { type: 'checklist.item.undone', itemId: 'triage.snapshot-trust-roots', actor: 'UIC', at: T1 },
  ];
  const view = checklistView(runbook.triage, foldItemStates(events), holders, names);

  it('shows the triage in its three sections, each with its progress', () => {
    expect(view.title).toBe('Triage checklist (first 10 minutes)');
    expect(view.sections.map((s) => [s.ref, s.title, s.progress])).toEqual([
      ['5.1', 'Stabilize', '2/3'],
      ['5.2', 'Identify scope', '0/3'],
      ['5.3', 'Preserve evidence (before destructive actions)', '1/7'],
    ]);
    expect(view.sections[2]!.note).toBe('Snapshot:');
    expect(view.progress).toBe('3/13');
  });

  it('a done item: who and when', () => {
    expect(view.sections[0]!.items[0]).toEqual({
      id: 'triage.assign-leads',
      text: 'Assign IC + required leads.',
      ownerRole: 'ic',
      ownerName: 'Incident Commander',
      ownerUserIds: ['UIC'],
      action: null,
      state: 'done',
      stateLabel: 'done',
      by: 'UIC',
      at: T0,
      reason: null,
      detail: ['Done by ', { user: 'UIC' }, ' at 2026-01-01 12:03 UTC'],
    });
  });

  it('a skipped item: who, when and why', () => {
    const item = view.sections[0]!.items[1]!;
    expect([item.stateLabel, item.by, item.at, item.reason, item.ownerName]).toEqual([
      'skipped',
      'UOPS',
      T1,
      'nothing automated is running',
      'Operations Lead',
    ]);
    expect(item.detail).toEqual(['Skipped by ', { user: 'UOPS' }, ' at 2026-01-01 12:07 UTC: nothing automated is running']);
  });

  it('a not-applicable item, and an undone one shown open again', () => {
    const evidence = view.sections[2]!.items;
    const render = evidence.find((i) => i.id === 'triage.snapshot-render-bundles')!;
    expect([render.state, render.stateLabel, render.reason, render.detail]).toEqual([
      'na',
      'not applicable',
      null,
      ['Not applicable by ', { user: 'UIC' }, ' at 2026-01-01 12:07 UTC'],
    ]);
    const roots = evidence.find((i) => i.id === 'triage.snapshot-trust-roots')!;
    expect([roots.state, roots.by, roots.at, roots.detail]).toEqual(['open', null, null, null]);
    expect([roots.ownerName, roots.ownerUserIds]).toEqual(['Security Lead', []]);
  });

  it('an item without owner shows none', () => {
    const q = view.sections[1]!.items[0]!;
    expect([q.ownerRole, q.ownerName, q.ownerUserIds]).toEqual([null, null, []]);
  });

  it('a playbook shows its goal, its escalation note and its action keys', () => {
    const pb = checklistView(runbook.playbooks[6]!, new Map(), holders, names);
    expect(pb.kind).toBe('playbook');
    expect(pb.goal).toBe('contain and rotate without breaking invariants.');
    expect(pb.escalation).toEqual({ severity: 'SEV0', when: expect.stringMatching(/SEV0/) });
    expect(pb.sections).toHaveLength(1);
    expect(pb.sections[0]!.progress).toBe('0/6');
    expect(pb.sections[0]!.items.find((i) => i.id === 'security-compromise.rotate-keys')!.action).toBe('rotate-keys');
    expect(checklistView(runbook.playbooks[0]!, new Map(), holders, names).escalation).toBeNull();
  });
});
