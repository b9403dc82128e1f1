// The checklist item state machine: pure functions, no I/O, no clock (the time is passed in).
//
// The timeline is the source of truth. A responder's click becomes a ChecklistEvent (tick, skip,
// markNotApplicable, undo check the transition and return the event to append); the current state of
// every item is the fold of those events. Undo is an event of its own, so the first tick is never lost.
//
//   open --tick--> done          open --skip(reason)--> skipped          open --markNotApplicable--> n/a
//   done | skipped | n/a --undo--> open
//
// Anything else is refused with a coded DomainError whose message says what happened and how to fix it.
import { DomainError, ErrorCode } from '../errors.js';
import type { Role } from '../incidents/model.js';
import type { Checklist, ChecklistItem, ChecklistSection } from '../runbook/checklist-schema.js';
import { mention, utc } from '../views/text.js';

export type ItemStatus = 'open' | 'done' | 'skipped' | 'na';

export type ItemState =
  | { status: 'open' }
  | { status: 'done'; by: string; at: Date }
  | { status: 'skipped'; by: string; at: Date; reason: string }
  | { status: 'na'; by: string; at: Date; reason?: string };

export const OPEN: ItemState = Object.freeze({ status: 'open' }) as ItemState;

export const CHECKLIST_EVENT_TYPES = [
  'checklist.item.done',
  'checklist.item.skipped',
  'checklist.item.na',
  'checklist.item.undone',
] as const;
export type ChecklistEventType = (typeof CHECKLIST_EVENT_TYPES)[number];

export type ChecklistEvent = {
  type: ChecklistEventType;
  itemId: string;
  /** The user id of who clicked. */
  actor: string;
  at: Date;
  reason?: string;
};

/** Who does what to which item, and when (the caller reads the clock port). */
export type ItemCommand = { itemId: string; actor: string; at: Date };

/** A skip reason is shown in the checklist message: keep it short enough to render. */
export const REASON_MAX = 500;

/** Refusals of a transition the state does not allow (a second click, an undo of an open step). */
const CONFLICT = ErrorCode.StepConflict;

function settledLine(state: Exclude<ItemState, { status: 'open' }>): string {
  const who = `by ${mention(state.by)} at ${utc(state.at)}`;
  switch (state.status) {
    case 'done':
      return `Already done ${who}.`;
    case 'skipped':
      return `Already skipped ${who} (reason: ${state.reason}).`;
    case 'na':
      return `Already marked not applicable ${who}${state.reason ? ` (reason: ${state.reason})` : ''}.`;
  }
}

/** Trims a reason; refuses one that is too long. Empty becomes undefined. */
function cleanReason(reason: string | undefined): string | undefined {
  const r = reason?.trim();
  if (!r) return undefined;
  if (r.length > REASON_MAX) {
    throw new DomainError(ErrorCode.InvalidInput, `Keep the reason under ${REASON_MAX} characters (it has ${r.length}).`, 'reason');
  }
  return r;
}

/** The state after `event`, or a DomainError saying why the event is refused in `state`. */
export function nextState(state: ItemState, event: ChecklistEvent): ItemState {
  const { actor: by, at } = event;
  if (event.type === 'checklist.item.undone') {
    if (state.status === 'open') throw new DomainError(CONFLICT, 'This step is open: there is nothing to undo.');
    return OPEN;
  }
  if (state.status !== 'open') {
    const same =
      (event.type === 'checklist.item.done' && state.status === 'done') ||
      (event.type === 'checklist.item.skipped' && state.status === 'skipped') ||
      (event.type === 'checklist.item.na' && state.status === 'na');
    throw new DomainError(CONFLICT, same ? settledLine(state) : `${settledLine(state)} Undo it first to change it.`);
  }
  switch (event.type) {
    case 'checklist.item.done':
      return { status: 'done', by, at };
    case 'checklist.item.skipped': {
      const reason = cleanReason(event.reason);
      if (!reason) throw new DomainError(ErrorCode.InvalidInput, 'Say why this step is skipped: a skip needs a reason.', 'reason');
      return { status: 'skipped', by, at, reason };
    }
    case 'checklist.item.na': {
      const reason = cleanReason(event.reason);
      return reason ? { status: 'na', by, at, reason } : { status: 'na', by, at };
    }
  }
}

/** Checks the transition and returns the event to append, with the reason as it will be stored. */
function command(state: ItemState, type: ChecklistEventType, cmd: ItemCommand, reason?: string): ChecklistEvent {
  const event: ChecklistEvent = { type, itemId: cmd.itemId, actor: cmd.actor, at: cmd.at };
  const r = cleanReason(reason);
  if (r !== undefined) event.reason = r;
  nextState(state, event);
  return event;
}

/** Marks an open item done. */
export function tick(state: ItemState, cmd: ItemCommand): ChecklistEvent {
  return command(state, 'checklist.item.done', cmd);
}

/** Skips an open item; the reason is required. */
export function skip(state: ItemState, cmd: ItemCommand, reason: string): ChecklistEvent {
  return command(state, 'checklist.item.skipped', cmd, reason);
}

/** Marks an open item not applicable, with an optional reason. */
export function markNotApplicable(state: ItemState, cmd: ItemCommand, reason?: string): ChecklistEvent {
  return command(state, 'checklist.item.na', cmd, reason);
}

/** Reopens a done, skipped or not-applicable item. */
export function undo(state: ItemState, cmd: ItemCommand): ChecklistEvent {
  return command(state, 'checklist.item.undone', cmd);
}

/**
 * The state of every item that has events, folding them in timeline order. An event the state machine
 * would refuse (say, the second of two concurrent ticks that both reached the timeline) changes
 * nothing, so the first tick stands. Items without events are open: read them with `stateOf`.
 */
export function foldItemStates(events: Iterable<ChecklistEvent>): Map<string, ItemState> {
  const states = new Map<string, ItemState>();
  for (const event of events) {
    const current = states.get(event.itemId) ?? OPEN;
    try {
      states.set(event.itemId, nextState(current, event));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
  }
  return states;
}

export function stateOf(states: ReadonlyMap<string, ItemState>, itemId: string): ItemState {
  return states.get(itemId) ?? OPEN;
}

export type RoleHolderRef = { role: Role; userId: string };
export type RoleNames = Partial<Record<Role, string>>;

const holdersOf = (holders: readonly RoleHolderRef[], role: Role) => holders.filter((h) => h.role === role).map((h) => h.userId);

/** Where a step sits: its checklist may name who moves the steps that have no owner of their own. */
export type StepScope = Pick<Checklist, 'unownedSteps'>;

/** The role that owns the step: its own owner, else its checklist's owner of unowned steps. */
const owningRole = (item: Pick<ChecklistItem, 'owner'>, scope: StepScope): Role | undefined => item.owner ?? scope.unownedSteps;

/**
 * True when `actor` may change the item: for an owned item the owner's holder or the IC; for an item
 * without owner, anyone holding a role in the incident (the IC included).
 */
export function mayTick(item: Pick<ChecklistItem, 'owner'>, actor: string, holders: readonly RoleHolderRef[], scope: StepScope = {}): boolean {
  const owner = owningRole(item, scope);
  if (!owner) return holders.some((h) => h.userId === actor);
  return holders.some((h) => h.userId === actor && (h.role === owner || h.role === 'ic'));
}

/**
 * Refuses an actor who may not change the item, with a message naming who may and how to get the
 * right: take the role on the header while it is unfilled, or ask the IC to assign it. Role names
 * come from the runbook's incident model; the role key stands in without them.
 */
export function assertMayTick(
  item: Pick<ChecklistItem, 'owner'>,
  actor: string,
  holders: readonly RoleHolderRef[],
  roleNames: RoleNames = {},
  scope: StepScope = {},
): void {
  if (mayTick(item, actor, holders, scope)) return;
  const name = (role: Role) => roleNames[role] ?? role;
  const who = (role: Role) => {
    const ids = holdersOf(holders, role);
    return `the ${name(role)} (${ids.length ? ids.map(mention).join(', ') : 'unfilled'})`;
  };
  const owner = owningRole(item, scope);
  if (!owner) {
    throw new DomainError(
      ErrorCode.NotAllowed,
      `Only someone holding a role in this incident may tick, skip or undo this step. To get the right, take an unfilled role with "Take role" on the header, or ask ${who('ic')} to assign you one.`,
    );
  }
  const may = owner === 'ic' ? who('ic') : `${who(owner)} or ${who('ic')}`;
  const ask = owner === 'ic' ? `ask the ${name('ic')} to hand command over to you (assign ic)` : `ask the ${name('ic')} to assign it to you (assign ${owner})`;
  const how = holdersOf(holders, owner).length ? `${ask[0]!.toUpperCase()}${ask.slice(1)}.` : `Take the role with "Take role" on the header, or ${ask}.`;
  throw new DomainError(ErrorCode.NotAllowed, `Only ${may} may tick, skip or undo this step. ${how}`);
}

export type Progress = {
  /** Items done, skipped or not applicable. */
  settled: number;
  total: number;
  /** "3/7". */
  label: string;
};

export function progress(items: readonly Pick<ChecklistItem, 'id'>[], states: ReadonlyMap<string, ItemState>): Progress {
  const settled = items.filter((i) => stateOf(states, i.id).status !== 'open').length;
  return { settled, total: items.length, label: `${settled}/${items.length}` };
}

export function sectionProgress(section: Pick<ChecklistSection, 'items'>, states: ReadonlyMap<string, ItemState>): Progress {
  return progress(section.items, states);
}

/** The items still open, in checklist order (for the §5 ten-minute reminder). */
export function openItems(
  checklist: { sections: readonly Pick<ChecklistSection, 'items'>[] },
  states: ReadonlyMap<string, ItemState>,
): ChecklistItem[] {
  return checklist.sections.flatMap((s) => s.items.filter((i) => stateOf(states, i.id).status === 'open'));
}
