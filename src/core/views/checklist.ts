// Platform-neutral view model of a checklist (triage, a playbook, recovery) with the state of each item.
// Surfaces render it (Block Kit, Adaptive Card); it holds no logic of its own beyond wording.
import {
  progress,
  stateOf,
  type ItemState,
  type ItemStatus,
  type RoleHolderRef,
  type RoleNames,
} from '../checklists/state.js';
import { ROLES, type Role } from '../incidents/model.js';
import type { Checklist, ChecklistKind, Escalation } from '../runbook/checklist-schema.js';
import type { IncidentModel } from '../runbook/schema.js';
import { t, user, type Rich } from './rich-text.js';
import { utc } from './text.js';

export const STATE_LABELS: Record<ItemStatus, string> = {
  open: 'open',
  done: 'done',
  skipped: 'skipped',
  na: 'not applicable',
};

export type ChecklistItemView = {
  id: string;
  text: string;
  /** The owning role (the item's own, else its checklist's for unowned steps); null: anyone holding a role. */
  ownerRole: Role | null;
  ownerName: string | null;
  /** Who holds the owning role now, if anyone. */
  ownerUserIds: string[];
  action: string | null;
  state: ItemStatus;
  stateLabel: string;
  by: string | null;
  at: Date | null;
  reason: string | null;
  /** One line, e.g. "Done by (user U1) at 2026-01-01 12:03 UTC"; null while open. */
  detail: Rich | null;
};

export type ChecklistSectionView = {
  id: string;
  ref: string | null;
  title: string;
  note: string | null;
  /** "3/7": done, skipped or not applicable over all items. */
  progress: string;
  settled: number;
  total: number;
  items: ChecklistItemView[];
};

export type ChecklistView = {
  id: string;
  kind: ChecklistKind;
  ref: string;
  title: string;
  goal: string | null;
  escalation: Escalation | null;
  progress: string;
  settled: number;
  total: number;
  sections: ChecklistSectionView[];
};

/** Role names as the runbook's incident model spells them. */
export function roleNamesOf(model: IncidentModel): Record<Role, string> {
  return Object.fromEntries(ROLES.map((r) => [r, model.roles[r].name])) as Record<Role, string>;
}

function detailOf(state: ItemState): Rich | null {
  if (state.status === 'open') return null;
  const verb = { done: 'Done', skipped: 'Skipped', na: 'Not applicable' }[state.status];
  const line = t`${verb} by ${user(state.by)} at ${utc(state.at)}`;
  return state.status !== 'done' && state.reason ? t`${line}: ${state.reason}` : line;
}

function itemView(
  item: Checklist['sections'][number]['items'][number],
  state: ItemState,
  holders: readonly RoleHolderRef[],
  roleNames: RoleNames,
  unownedSteps: Role | undefined,
): ChecklistItemView {
  const settled = state.status === 'open' ? null : state;
  const owner = item.owner ?? unownedSteps;
  return {
    id: item.id,
    text: item.text,
    ownerRole: owner ?? null,
    ownerName: owner ? (roleNames[owner] ?? owner) : null,
    ownerUserIds: owner ? holders.filter((h) => h.role === owner).map((h) => h.userId) : [],
    action: item.action ?? null,
    state: state.status,
    stateLabel: STATE_LABELS[state.status],
    by: settled?.by ?? null,
    at: settled?.at ?? null,
    reason: settled && settled.status !== 'done' ? (settled.reason ?? null) : null,
    detail: detailOf(state),
  };
}

export function checklistView(
  checklist: Checklist,
  states: ReadonlyMap<string, ItemState>,
  holders: readonly RoleHolderRef[],
  roleNames: RoleNames,
): ChecklistView {
  const sections = checklist.sections.map((s): ChecklistSectionView => {
    const p = progress(s.items, states);
    return {
      id: s.id,
      ref: s.ref ?? null,
      title: s.title,
      note: s.note ?? null,
      progress: p.label,
      settled: p.settled,
      total: p.total,
      items: s.items.map((i) => itemView(i, stateOf(states, i.id), holders, roleNames, checklist.unownedSteps)),
    };
  });
  const all = progress(
    checklist.sections.flatMap((s) => s.items),
    states,
  );
  return {
    id: checklist.id,
    kind: checklist.kind,
    ref: checklist.ref,
    title: checklist.title,
    goal: checklist.goal ?? null,
    escalation: checklist.escalation ? { ...checklist.escalation } : null,
    progress: all.label,
    settled: all.settled,
    total: all.total,
    sections,
  };
}
