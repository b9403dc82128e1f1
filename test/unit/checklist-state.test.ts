// The checklist item state machine: what a responder's Done, Skip, N/A and Undo do, what is refused
// and how the refusal reads; the timeline fold; who may tick; section progress.
import { describe, expect, it } from 'vitest';
import { thrown } from '../support/thrown.js';
import {
  assertMayTick,
  foldItemStates,
  markNotApplicable,
  mayTick,
  nextState,
  OPEN,
  openItems,
  progress,
  REASON_MAX,
  sectionProgress,
  skip,
  stateOf,
  tick,
  undo,
  type ChecklistEvent,
  type ItemState,
  type RoleHolderRef,
} from '../../src/core/checklists/state.js';
import { ErrorCode } from '../../src/core/errors.js';
import type { ChecklistItem } from '../../src/core/runbook/checklist-schema.js';

const T0 = new Date('2026-01-01T12:03:00.000Z');
const T1 = new Date('2026-01-01T12:05:00.000Z');
const T2 = new Date('2026-01-01T12:09:00.000Z');
const ITEM = 'triage.freeze-automation';
const cmd = (actor: string, at = T0, itemId = ITEM) => ({ itemId, actor, at });


const done: ItemState = { status: 'done', by: 'U1', at: T0 };
const skipped: ItemState = { status: 'skipped', by: 'U2', at: T1, reason: 'no automation running' };
const na: ItemState = { status: 'na', by: 'U3', at: T2 };

describe('transitions from open', () => {
  it('tick: an open item becomes done by the actor at the given time', () => {
    const e = tick(OPEN, cmd('U1'));
    expect(e).toEqual({ type: 'checklist.item.done', itemId: ITEM, actor: 'U1', at: T0 });
    expect(nextState(OPEN, e)).toEqual({ status: 'done', by: 'U1', at: T0 });
  });

  it('skip: records the reason, trimmed', () => {
    const e = skip(OPEN, cmd('U2', T1), '  no automation running \n');
    expect(e).toEqual({ type: 'checklist.item.skipped', itemId: ITEM, actor: 'U2', at: T1, reason: 'no automation running' });
    expect(nextState(OPEN, e)).toEqual(skipped);
  });

  it.each(['', '   ', '\n\t'])('skip without a reason (%j) is refused, pointing at the reason field', (reason) => {
    const e = thrown(() => skip(OPEN, cmd('U2'), reason));
    expect(e.code).toBe(ErrorCode.InvalidInput);
    expect(e.field).toBe('reason');
    expect(e.message).toBe('Say why this step is skipped: a skip needs a reason.');
  });

  it('a skipped event without a reason in the timeline is refused too', () => {
    expect(() => nextState(OPEN, { type: 'checklist.item.skipped', itemId: ITEM, actor: 'U2', at: T0 })).toThrow(/needs a reason/);
  });

  it('a reason too long to show is refused, saying the limit', () => {
    const e = thrown(() => skip(OPEN, cmd('U2'), 'x'.repeat(REASON_MAX + 1)));
    expect(e.field).toBe('reason');
    expect(e.message).toBe(`Keep the reason under ${REASON_MAX} characters (it has ${REASON_MAX + 1}).`);
    expect(skip(OPEN, cmd('U2'), 'x'.repeat(REASON_MAX)).reason).toHaveLength(REASON_MAX);
  });

  it('not applicable: with or without a reason (a blank one is dropped)', () => {
    const without = markNotApplicable(OPEN, cmd('U3', T2));
    expect(without).toEqual({ type: 'checklist.item.na', itemId: ITEM, actor: 'U3', at: T2 });
    expect(nextState(OPEN, without)).toEqual(na);
    expect(markNotApplicable(OPEN, cmd('U3', T2), '   ')).not.toHaveProperty('reason');
    const withReason = markNotApplicable(OPEN, cmd('U3', T2), ' single tenant ');
    expect(nextState(OPEN, withReason)).toEqual({ status: 'na', by: 'U3', at: T2, reason: 'single tenant' });
  });

  it('undo of an open item is refused: nothing to undo', () => {
    const e = thrown(() => undo(OPEN, cmd('U1')));
    expect(e.code).toBe(ErrorCode.StepConflict);
    expect(e.message).toBe('This step is open: there is nothing to undo.');
  });
});

describe('transitions from a settled item', () => {
  it.each<[string, ItemState]>([
    ['done', done],
    ['skipped', skipped],
    ['not applicable', na],
  ])('undo reopens a %s item, recorded as its own event', (_what, state) => {
    const e = undo(state, cmd('U9', T2));
    expect(e).toEqual({ type: 'checklist.item.undone', itemId: ITEM, actor: 'U9', at: T2 });
    expect(nextState(state, e)).toEqual({ status: 'open' });
  });

  it('a second tick is refused, saying who did it and when (the loser of a concurrent click)', () => {
    const e = thrown(() => tick(done, cmd('U2', T1)));
    expect(e.code).toBe(ErrorCode.StepConflict);
    expect(e.message).toBe('Already done by @{U1} at 2026-01-01 12:03 UTC.');
  });

  it('skip or n/a of a done item is refused, saying to undo first', () => {
    expect(thrown(() => skip(done, cmd('U2'), 'why')).message).toBe(
      'Already done by @{U1} at 2026-01-01 12:03 UTC. Undo it first to change it.',
    );
    expect(thrown(() => markNotApplicable(done, cmd('U2'))).message).toMatch(/^Already done by @{U1}.*Undo it first/);
  });

  it('tick of a skipped item is refused, naming who skipped it and why', () => {
    expect(thrown(() => tick(skipped, cmd('U1'))).message).toBe(
      'Already skipped by @{U2} at 2026-01-01 12:05 UTC (reason: no automation running). Undo it first to change it.',
    );
    expect(thrown(() => skip(skipped, cmd('U1'), 'again')).message).toBe(
      'Already skipped by @{U2} at 2026-01-01 12:05 UTC (reason: no automation running).',
    );
  });

  it('tick of a not-applicable item is refused', () => {
    expect(thrown(() => tick(na, cmd('U1'))).message).toBe(
      'Already marked not applicable by @{U3} at 2026-01-01 12:09 UTC. Undo it first to change it.',
    );
    const withReason: ItemState = { ...na, reason: 'single tenant' };
    expect(thrown(() => markNotApplicable(withReason, cmd('U1'))).message).toBe(
      'Already marked not applicable by @{U3} at 2026-01-01 12:09 UTC (reason: single tenant).',
    );
  });
});

describe('foldItemStates: the timeline is the source of truth', () => {
  const ev = (type: ChecklistEvent['type'], actor: string, at: Date, itemId = ITEM, reason?: string): ChecklistEvent =>
    reason === undefined ? { type, itemId, actor, at } : { type, itemId, actor, at, reason };

  it('an item without events is open', () => {
    const states = foldItemStates([]);
    expect(states.size).toBe(0);
    expect(stateOf(states, ITEM)).toEqual({ status: 'open' });
  });

  it('tick, undo, tick again: the current state is the last tick, and the first tick stays in the timeline', () => {
    const timeline = [
      ev('checklist.item.done', 'U1', T0),
      ev('checklist.item.undone', 'U2', T1),
      ev('checklist.item.done', 'U3', T2),
    ];
    const copy = structuredClone(timeline);
    expect(stateOf(foldItemStates(timeline), ITEM)).toEqual({ status: 'done', by: 'U3', at: T2 });
    expect(timeline).toEqual(copy);
    expect(stateOf(foldItemStates(timeline.slice(0, 2)), ITEM)).toEqual({ status: 'open' });
    expect(stateOf(foldItemStates(timeline.slice(0, 1)), ITEM)).toEqual({ status: 'done', by: 'U1', at: T0 });
  });

  it('two ticks that both reached the timeline: the first stands', () => {
    const states = foldItemStates([ev('checklist.item.done', 'U1', T0), ev('checklist.item.done', 'U2', T0)]);
    expect(stateOf(states, ITEM)).toEqual({ status: 'done', by: 'U1', at: T0 });
  });

  it('events the state machine refuses change nothing (undo of open, skip without reason)', () => {
    const states = foldItemStates([
      ev('checklist.item.undone', 'U1', T0),
      ev('checklist.item.skipped', 'U1', T0, ITEM, '  '),
      ev('checklist.item.skipped', 'U2', T1, ITEM, 'not needed'),
      ev('checklist.item.na', 'U3', T2),
    ]);
    expect(stateOf(states, ITEM)).toEqual({ status: 'skipped', by: 'U2', at: T1, reason: 'not needed' });
  });

  it('items are folded independently', () => {
    const states = foldItemStates([
      ev('checklist.item.done', 'U1', T0, 'triage.a'),
      ev('checklist.item.na', 'U2', T1, 'triage.b', 'n/a here'),
      ev('checklist.item.undone', 'U3', T2, 'triage.a'),
    ]);
    expect(stateOf(states, 'triage.a')).toEqual({ status: 'open' });
    expect(stateOf(states, 'triage.b')).toEqual({ status: 'na', by: 'U2', at: T1, reason: 'n/a here' });
    expect(stateOf(states, 'triage.c')).toEqual({ status: 'open' });
  });

  it('the events that tick, skip and undo return fold to the states they promise', () => {
    const e1 = tick(OPEN, cmd('U1', T0));
    const e2 = undo(nextState(OPEN, e1), cmd('U1', T1));
    const e3 = skip(nextState(nextState(OPEN, e1), e2), cmd('U2', T2), 'done by hand');
    expect(stateOf(foldItemStates([e1, e2, e3]), ITEM)).toEqual({ status: 'skipped', by: 'U2', at: T2, reason: 'done by hand' });
  });
});

describe('who may tick', () => {
  const holders: RoleHolderRef[] = [
    { role: 'ic', userId: 'UIC' },
    { role: 'ops', userId: 'UOPS' },
    { role: 'sec', userId: 'USEC' },
  ];
  const names = { ic: 'Incident Commander', ops: 'Operations Lead', orgo: 'Orgo Lead', sec: 'Security Lead' };
  const opsItem: ChecklistItem = { id: 'bad-release.rollback-to-lkg', text: 'Roll back…', owner: 'ops' };

  it('an item without owner: anyone holding a role in the incident; anyone else is told how to get one', () => {
    const item: ChecklistItem = { id: 'triage.impact-kind', text: 'Is this…?' };
    for (const actor of ['UIC', 'UOPS', 'USEC']) expect(() => assertMayTick(item, actor, holders, names)).not.toThrow();
    const e = thrown(() => assertMayTick(item, 'USTRANGER', holders, names));
    expect(e.code).toBe(ErrorCode.NotAllowed);
    expect(e.message).toBe(
      'Only someone holding a role in this incident may tick, skip or undo this step. To get the right, take an unfilled role with "Take role" on the header, or ask the Incident Commander (@{UIC}) to assign you one.',
    );
    expect(mayTick(item, 'USTRANGER', [])).toBe(false);
  });

  it('an item without owner in a checklist that names who moves such steps (§8): that role or the IC only', () => {
    const item: ChecklistItem = { id: 'recovery.impact-stopped', text: 'Impact has stopped.' };
    const recovery = { unownedSteps: 'ops' as const };
    expect(mayTick(item, 'UOPS', holders, recovery)).toBe(true);
    expect(mayTick(item, 'UIC', holders, recovery)).toBe(true);
    const e = thrown(() => assertMayTick(item, 'USEC', holders, names, recovery));
    expect(e.message).toBe(
      'Only the Operations Lead (@{UOPS}) or the Incident Commander (@{UIC}) may tick, skip or undo this step. Ask the Incident Commander to assign it to you (assign ops).',
    );
  });

  it("an owned item: the owning role's holder, or the IC", () => {
    expect(() => assertMayTick(opsItem, 'UOPS', holders, names)).not.toThrow();
    expect(() => assertMayTick(opsItem, 'UIC', holders, names)).not.toThrow();
    expect(mayTick(opsItem, 'UOPS', holders)).toBe(true);
  });

  it('anyone else is refused, told who may', () => {
    for (const actor of ['USEC', 'USTRANGER']) {
      const e = thrown(() => assertMayTick(opsItem, actor, holders, names));
      expect(e.code).toBe(ErrorCode.NotAllowed);
      expect(e.message).toBe(
        'Only the Operations Lead (@{UOPS}) or the Incident Commander (@{UIC}) may tick, skip or undo this step. Ask the Incident Commander to assign it to you (assign ops).',
      );
    }
    expect(mayTick(opsItem, 'USEC', holders)).toBe(false);
  });

  it('an unfilled owning role is named as unfilled; the IC still may', () => {
    const orgoItem: ChecklistItem = { id: 'bad-release.open-orgo-case', text: 'Open…', owner: 'orgo' };
    const e = thrown(() => assertMayTick(orgoItem, 'UOPS', holders, names));
    expect(e.message).toBe(
      'Only the Orgo Lead (unfilled) or the Incident Commander (@{UIC}) may tick, skip or undo this step. Take the role with "Take role" on the header, or ask the Incident Commander to assign it to you (assign orgo).',
    );
    expect(() => assertMayTick(orgoItem, 'UIC', holders, names)).not.toThrow();
    const noOne = thrown(() => assertMayTick(orgoItem, 'UOPS', [], names));
    expect(noOne.message).toMatch(/^Only the Orgo Lead \(unfilled\) or the Incident Commander \(unfilled\) may tick, skip or undo this step\. Take the role/);
  });

  it('an item owned by the IC: only the IC', () => {
    const icItem: ChecklistItem = { id: 'triage.assign-leads', text: 'Assign…', owner: 'ic' };
    expect(() => assertMayTick(icItem, 'UIC', holders, names)).not.toThrow();
    expect(thrown(() => assertMayTick(icItem, 'UOPS', holders, names)).message).toBe(
      'Only the Incident Commander (@{UIC}) may tick, skip or undo this step. Ask the Incident Commander to hand command over to you (assign ic).',
    );
  });

  it('holding a role for a different user does not count: the actor must be the holder', () => {
    expect(mayTick(opsItem, 'UOPS', [{ role: 'ops', userId: 'UOTHER' }])).toBe(false);
  });

  it('without role names, the role key stands in', () => {
    expect(thrown(() => assertMayTick(opsItem, 'USEC', holders)).message).toBe(
      'Only the ops (@{UOPS}) or the ic (@{UIC}) may tick, skip or undo this step. Ask the ic to assign it to you (assign ops).',
    );
  });
});

describe('progress', () => {
  const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => ({ id: `triage.${x}`, text: x }));
  const states = foldItemStates([
    { type: 'checklist.item.done', itemId: 'triage.a', actor: 'U1', at: T0 },
    { type: 'checklist.item.skipped', itemId: 'triage.b', actor: 'U1', at: T0, reason: 'r' },
    { type: 'checklist.item.na', itemId: 'triage.c', actor: 'U1', at: T0 },
    { type: 'checklist.item.done', itemId: 'triage.d', actor: 'U1', at: T0 },
    { type: 'checklist.item.undone', itemId: 'triage.d', actor: 'U1', at: T1 },
    { type: 'checklist.item.done', itemId: 'other.x', actor: 'U1', at: T0 },
  ]);

  it('counts done, skipped and not applicable over the total: 3/7 (an undone item is open again)', () => {
    expect(sectionProgress({ items }, states)).toEqual({ settled: 3, total: 7, label: '3/7' });
  });

  it('0/n with no events, n/n when all are settled', () => {
    expect(progress(items, new Map()).label).toBe('0/7');
    expect(progress(items.slice(0, 3), states).label).toBe('3/3');
  });

  it('openItems lists what is still open, in order', () => {
    expect(openItems({ sections: [{ items: items.slice(0, 4) }, { items: items.slice(4) }] }, states).map((i) => i.id)).toEqual([
      'triage.d',
      'triage.e',
      'triage.f',
      'triage.g',
    ]);
  });
});
