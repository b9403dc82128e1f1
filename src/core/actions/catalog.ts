// Loads the action catalog (runbook/actions.yaml) and checks it against the playbooks:
// - every playbook item's `action` key names a catalog entry, listing the item's playbook in its refs
//   and the item's owning role among the roles that may request it;
// - every entry carries out at least one runbook step (an item keyed to it, or one it names in `steps`),
//   and its refs are exactly the playbooks of those steps;
// - the triage checklist has the §5.3 evidence section the evidence-first gate reads, and the runbook the
//   §6.2 playbook whose verification steps the fail-closed gate reads.
// Any broken rule stops start-up with a RunbookError naming the file, the entry or item, and the rule.
import path from 'node:path';
import type { Incident, Role } from '../incidents/model.js';
import type { ChecklistItem, Playbook } from '../runbook/checklist-schema.js';
import { findItem, loadRunbook, type Runbook } from '../runbook/checklists.js';
import { loadRunbookFile, RUNBOOK_DIR, RunbookError } from '../runbook/loader.js';
import { actionCatalogFileSchema, type ActionEntryFile, type ActionParameter, type ApprovalRule, type ScopeParamType } from './catalog-schema.js';
import { deriveGates, type Effect, type Scope } from './effects.js';

export const ACTIONS_FILE = 'actions.yaml';

/** The triage section whose steps must be done before a destructive action (§5.3). */
export const EVIDENCE_SECTION_ID = 'preserve-evidence';
/** The playbook whose verification steps must be settled before a fail-closed step (§2, §6.2). */
export const VERIFICATION_REF = '6.2';

/** An entry with its gates derived from its effects, tightened by the file where it asked. */
export type ActionEntry = {
  id: string;
  title: string;
  refs: string[];
  /** Every runbook step the action carries out: items keyed to it, then the ones it names. */
  steps: string[];
  effects: Effect[];
  parameters: ActionParameter[];
  /** The §3 roles whose leads may request it (the IC always may). */
  roles: Role[];
  destructive: boolean;
  approval: ApprovalRule;
  /** At SEV0/SEV1 or with integrity uncertain: a second person and the §6.2 verification settled. */
  failClosed: boolean;
  scopes: Scope[];
  /** A hold: in force until lifted; the lift fails closed like an action when its effect does. */
  liftable?: { title: string; effects: Effect[]; failClosed: boolean };
};

export type ActionCatalog = {
  /** How long a request waits for its second person. */
  approvalExpiryMs: number;
  /** In file order. */
  actions: ActionEntry[];
};

const playbookItems = (runbook: Runbook): { playbook: Playbook; item: ChecklistItem }[] =>
  runbook.playbooks.flatMap((playbook) => playbook.sections.flatMap((s) => s.items.map((item) => ({ playbook, item }))));

/** One line per broken cross-file rule. */
function crossProblems(file: string, actions: (ActionEntryFile & { roles: Role[] })[], runbook: Runbook): string[] {
  const problems: string[] = [];
  const byId = new Map(actions.map((a, i) => [a.id, { a, i }]));
  const keyed = new Map<string, string[]>();

  for (const { playbook, item } of playbookItems(runbook)) {
    if (!item.action) continue;
    keyed.set(item.action, [...(keyed.get(item.action) ?? []), item.id]);
    const found = byId.get(item.action);
    if (!found) {
      problems.push(
        `${file}: playbook §${playbook.ref} item "${item.id}" names action "${item.action}", which the catalog does not define; every playbook action key needs an entry with that id`,
      );
      continue;
    }
    const { a, i } = found;
    if (!a.refs.includes(playbook.ref)) {
      problems.push(
        `${file}: at actions.${i}.refs: action "${a.id}": playbook §${playbook.ref} item "${item.id}" is keyed to it, so its refs must include "${playbook.ref}"`,
      );
    }
    if (item.owner && item.owner !== 'ic' && !a.roles.includes(item.owner)) {
      problems.push(
        `${file}: at actions.${i}.roles: action "${a.id}": role "${item.owner}" owns playbook item "${item.id}" and must be able to request its action; add it to roles`,
      );
    }
  }

  actions.forEach((a, i) => {
    const named = a.steps ?? [];
    const playbookRefs = new Set<string>();
    named.forEach((stepId, j) => {
      const found = findItem(runbook, stepId);
      if (!found || found.checklist.kind !== 'playbook') {
        problems.push(`${file}: at actions.${i}.steps.${j}: action "${a.id}": step "${stepId}" is not an item of a §6 playbook`);
        return;
      }
      playbookRefs.add(found.checklist.ref);
    });
    for (const itemId of keyed.get(a.id) ?? []) playbookRefs.add(findItem(runbook, itemId)!.checklist.ref);
    if (named.length === 0 && !keyed.has(a.id)) {
      problems.push(
        `${file}: at actions.${i}: action "${a.id}": no playbook item is keyed to it and it names no steps; every action must carry out a runbook step (key a playbook item to it, or list the step in steps)`,
      );
      return;
    }
    for (const r of a.refs) {
      if (!playbookRefs.has(r)) {
        problems.push(`${file}: at actions.${i}.refs: action "${a.id}": ref "${r}" has none of its steps; refs must be the playbooks of its steps`);
      }
    }
    for (const r of playbookRefs) {
      if (!a.refs.includes(r)) {
        problems.push(`${file}: at actions.${i}.refs: action "${a.id}": a step is in playbook §${r}, so refs must include "${r}"`);
      }
    }
  });

  const evidence = runbook.triage.sections.find((s) => s.id === EVIDENCE_SECTION_ID);
  if (!evidence || evidence.items.length === 0) {
    problems.push(
      `${file}: the triage checklist has no "${EVIDENCE_SECTION_ID}" section with steps; the evidence-first gate (§2, §5.3) reads it and refuses destructive actions without it`,
    );
  }
  if (!runbook.playbooks.some((p) => p.ref === VERIFICATION_REF)) {
    problems.push(`${file}: the runbook has no §${VERIFICATION_REF} playbook; the fail-closed gate (§2) reads its verification steps before a freeze is lifted or a root accepted`);
  }
  return problems;
}

/** Builds the catalog from a checked file and the runbook it belongs to. */
export function buildCatalog(file: string, data: { approvalExpiryMinutes: number; actions: ActionEntryFile[] }, runbook: Runbook): ActionCatalog {
  const problems = crossProblems(file, data.actions.map((a) => ({ ...a, roles: a.roles ?? deriveGates(a.effects).roles })), runbook);
  if (problems.length > 0) {
    throw new RunbookError(`the action catalog breaks ${problems.length} rule(s) across files:\n  ${problems.join('\n  ')}`);
  }
  const order = new Map(playbookItems(runbook).map(({ item }, i) => [item.id, i]));
  const actions = data.actions.map((a): ActionEntry => {
    const keyed = playbookItems(runbook)
      .filter(({ item }) => item.action === a.id)
      .map(({ item }) => item.id);
    const steps = [...new Set([...keyed, ...(a.steps ?? [])])].sort((x, y) => order.get(x)! - order.get(y)!);
    const g = deriveGates(a.effects);
    const destructive = g.destructive || a.destructive === true;
    const floor = g.approvalAt ?? (destructive ? 'SEV1' : null);
    // The schema refused anything looser than the floor, so the file's rule, when given, is the one in force.
    const approval: ApprovalRule = a.approval && a.approval !== 'none' ? a.approval : floor ? { secondPersonAtOrAbove: floor } : 'none';
    const narrowed: Role[] | undefined = a.roles?.filter((r) => r !== 'ic');
    return {
      id: a.id,
      title: a.title,
      refs: [...a.refs],
      steps,
      effects: [...a.effects],
      parameters: a.parameters.map((p) => ({ ...p, ...(p.values ? { values: [...p.values] } : {}) })),
      roles: narrowed?.length ? g.roles.filter((r) => narrowed.includes(r)) : g.roles,
      destructive,
      approval,
      failClosed: g.failClosed,
      scopes: g.scopes,
      ...(a.liftable && g.lift ? { liftable: { title: a.liftable.title, ...g.lift } } : {}),
    };
  });
  return { approvalExpiryMs: data.approvalExpiryMinutes * 60_000, actions };
}

/** Loads runbook/actions.yaml and checks it, and its fit with the playbooks, at start-up. */
export function loadActionCatalog(dir = RUNBOOK_DIR, runbook: Runbook = loadRunbook(dir)): ActionCatalog {
  const file = path.join(dir, ACTIONS_FILE);
  const data = loadRunbookFile(file, actionCatalogFileSchema) as { approvalExpiryMinutes: number; actions: ActionEntryFile[] };
  return buildCatalog(file, data, runbook);
}

/** The entry an id names. Ids in payloads are claims: look them up here. */
export function findAction(catalog: ActionCatalog, id: string): ActionEntry | undefined {
  return catalog.actions.find((a) => a.id === id);
}

/** The actions a runbook step carries a 'Run' button for: the one it is keyed to first, then the others. */
export function actionsForStep(catalog: ActionCatalog, item: Pick<ChecklistItem, 'id' | 'action'>): ActionEntry[] {
  const all = catalog.actions.filter((a) => a.steps.includes(item.id));
  return [...all.filter((a) => a.id === item.action), ...all.filter((a) => a.id !== item.action)];
}

export type Prefill = {
  /** The value to show: a single impacted value, or every value of a multiple parameter. */
  value?: string | string[];
  /** The incident's values to choose from. */
  options: string[];
};

/** The incident's impacted values a scope parameter must lie inside. */
export const IMPACTED: Record<ScopeParamType, (i: Incident) => string[]> = {
  tenant: (i) => i.tenants,
  channel: (i) => i.channels,
  environment: (i) => i.environments,
};

/**
 * The Run modal's starting values, from the incident. A single parameter is filled only when the
 * incident has exactly one candidate (a tenant is never guessed among several).
 */
export function prefill(action: Pick<ActionEntry, 'parameters'>, incident: Incident): Record<string, Prefill> {
  const out: Record<string, Prefill> = {};
  for (const p of action.parameters) {
    if (p.type === 'enum') {
      out[p.name] = { options: [...(p.values ?? [])] };
      continue;
    }
    if (p.type === 'string') continue;
    const options = [...IMPACTED[p.type](incident)];
    const value = p.multiple ? (options.length > 0 ? [...options] : undefined) : options.length === 1 ? options[0] : undefined;
    out[p.name] = value === undefined ? { options } : { value, options };
  }
  return out;
}

export type { ActionParameter };
