// Loads the runbook's checklists (triage, playbooks, recovery) and the quick reference from the content
// folder, each file checked by its schema, then checks the rules that span files. Any broken rule stops
// start-up with a RunbookError naming the file, the place in it, the item and the rule.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  checklistFileSchema,
  playbookFileSchema,
  quickReferenceSchema,
  type Checklist,
  type ChecklistFile,
  type ChecklistItem,
  type ChecklistSection,
  type Playbook,
  type PlaybookFile,
  type QuickReference,
  type Symptom,
} from './checklist-schema.js';
import { loadRunbookFile, RUNBOOK_DIR, RunbookError } from './loader.js';

export type Runbook = {
  triage: Checklist;
  recovery: Checklist;
  /** In runbook order (6.1, 6.2, …). */
  playbooks: Playbook[];
  quickReference: QuickReference;
};

/** Where the content lives, relative to the runbook folder. */
export const RUNBOOK_FILES = {
  triage: path.join('checklists', 'triage.yaml'),
  recovery: path.join('checklists', 'recovery.yaml'),
  playbooks: 'playbooks',
  quickReference: 'quick-reference.yaml',
} as const;

const DATA_FILE = /\.(ya?ml|json)$/i;

/** The section of a single-section playbook. */
export const PLAYBOOK_SECTION_ID = 'steps';

type Source = {
  file: string;
  checklist: Checklist;
  /** Where each item sits in its file, as the schema's error paths write it. */
  itemPaths: Map<string, string>;
};

function fromChecklistFile(kind: 'triage' | 'recovery', file: string, c: ChecklistFile): Source {
  const itemPaths = new Map<string, string>();
  c.sections.forEach((s, si) => s.items.forEach((item, ii) => itemPaths.set(item.id, `sections.${si}.items.${ii}.id`)));
  const sections: ChecklistSection[] = c.sections.map((s) => ({ ...s, items: s.items.map((i) => ({ ...i })) }));
  return { file, checklist: { kind, id: c.id, ref: c.ref, title: c.title, ...(c.unownedSteps ? { unownedSteps: c.unownedSteps } : {}), sections }, itemPaths };
}

function fromPlaybookFile(file: string, p: PlaybookFile): Source & { checklist: Playbook } {
  const itemPaths = new Map<string, string>();
  p.items.forEach((item, ii) => itemPaths.set(item.id, `items.${ii}.id`));
  const playbook: Playbook = {
    kind: 'playbook',
    id: p.id,
    ref: p.ref,
    title: p.title,
    goal: p.goal,
    ...(p.escalation ? { escalation: { ...p.escalation } } : {}),
    sections: [{ id: PLAYBOOK_SECTION_ID, title: 'Steps', items: p.items.map((i) => ({ ...i })) }],
  };
  return { file, checklist: playbook, itemPaths };
}

/** Orders "6.2" before "6.10". */
export function compareRefs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function playbookFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new RunbookError(`${dir}: the playbooks folder cannot be read: ${(e as Error).message}`);
  }
  const files = names.filter((n) => DATA_FILE.test(n)).sort();
  if (files.length === 0) throw new RunbookError(`${dir}: holds no playbook file (.yaml, .yml or .json)`);
  return files.map((n) => path.join(dir, n));
}

/** Rules across files: checklist ids, playbook section numbers and item ids unique; the quick reference
 * points at playbooks that exist. Returns one line per broken rule. */
function crossFileProblems(sources: Source[], quickReference: QuickReference, quickReferenceFile: string): string[] {
  const problems: string[] = [];

  const checklistIds = new Map<string, string>();
  for (const { file, checklist } of sources) {
    const first = checklistIds.get(checklist.id);
    if (first !== undefined) {
      problems.push(
        `${file}: at id: checklist "${checklist.id}" is already defined in ${first}; checklist ids must be unique across all runbook files`,
      );
    } else {
      checklistIds.set(checklist.id, file);
    }
  }

  const playbookRefs = new Map<string, string>();
  for (const { file, checklist } of sources) {
    if (checklist.kind !== 'playbook') continue;
    const first = playbookRefs.get(checklist.ref);
    if (first !== undefined) {
      problems.push(`${file}: at ref: runbook section ${checklist.ref} is already encoded in ${first}; each playbook has its own section`);
    } else {
      playbookRefs.set(checklist.ref, file);
    }
  }

  const itemIds = new Map<string, { file: string; at: string }>();
  for (const { file, itemPaths } of sources) {
    for (const [id, at] of itemPaths) {
      const first = itemIds.get(id);
      if (first !== undefined) {
        problems.push(
          `${file}: at ${at}: item "${id}" is already used in ${first.file} (at ${first.at}); item ids must be unique across all runbook files`,
        );
      } else {
        itemIds.set(id, { file, at });
      }
    }
  }

  const playbookIds = sources.filter((s) => s.checklist.kind === 'playbook').map((s) => s.checklist.id);
  const known = playbookIds.join(', ');
  quickReference.symptoms.forEach((s, i) => {
    if (!playbookIds.includes(s.playbook)) {
      problems.push(
        `${quickReferenceFile}: at symptoms.${i}.playbook: symptom "${s.symptom}" points at playbook "${s.playbook}", which does not exist; a symptom must point at a playbook (${known})`,
      );
    }
    (s.also ?? []).forEach((p, j) => {
      if (!playbookIds.includes(p)) {
        problems.push(
          `${quickReferenceFile}: at symptoms.${i}.also.${j}: symptom "${s.symptom}" points at playbook "${p}", which does not exist; a symptom must point at a playbook (${known})`,
        );
      }
    });
  });

  return problems;
}

/** A fact settles one step, and a §8 one: recording the Orgo Case ticks the recovery step that asks for it. */
function settledByProblems(sources: Source[], recovery: Source): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { file, checklist, itemPaths } of sources) {
    for (const item of checklist.sections.flatMap((sec) => sec.items)) {
      if (!item.settledBy) continue;
      const at = `${itemPaths.get(item.id)?.replace(/\.id$/, '') ?? item.id}.settledBy`;
      if (checklist !== recovery.checklist) {
        problems.push(`${file}: at ${at}: item "${item.id}": only a recovery (§8) step can be settled by "${item.settledBy}"`);
      }
      const first = seen.get(item.settledBy);
      if (first !== undefined) problems.push(`${file}: at ${at}: item "${item.id}": "${item.settledBy}" already settles item "${first}"; one step per fact`);
      else seen.set(item.settledBy, item.id);
    }
  }
  return problems;
}

/** Loads and checks every checklist of the runbook. Throws RunbookError on the first broken file, or
 * with every broken cross-file rule at once. */
export function loadRunbook(dir = RUNBOOK_DIR): Runbook {
  const triageFile = path.join(dir, RUNBOOK_FILES.triage);
  const recoveryFile = path.join(dir, RUNBOOK_FILES.recovery);
  const quickReferenceFile = path.join(dir, RUNBOOK_FILES.quickReference);

  const triage = fromChecklistFile('triage', triageFile, loadRunbookFile(triageFile, checklistFileSchema));
  const recovery = fromChecklistFile('recovery', recoveryFile, loadRunbookFile(recoveryFile, checklistFileSchema));
  const playbooks = playbookFiles(path.join(dir, RUNBOOK_FILES.playbooks)).map((file) =>
    fromPlaybookFile(file, loadRunbookFile(file, playbookFileSchema)),
  );
  const quickReference: QuickReference = {
    symptoms: loadRunbookFile(quickReferenceFile, quickReferenceSchema).symptoms.map(
      (s): Symptom => ({ ...s, ...(s.also ? { also: [...s.also] } : {}) }),
    ),
  };

  const problems = [...crossFileProblems([triage, ...playbooks, recovery], quickReference, quickReferenceFile), ...settledByProblems([triage, ...playbooks, recovery], recovery)];
  if (problems.length > 0) {
    throw new RunbookError(`the runbook content breaks ${problems.length} rule(s) across files:\n  ${problems.join('\n  ')}`);
  }

  return {
    triage: triage.checklist,
    recovery: recovery.checklist,
    playbooks: playbooks.map((p) => p.checklist).sort((a, b) => compareRefs(a.ref, b.ref)),
    quickReference,
  };
}

/** Every checklist of the runbook: triage, the playbooks in order, recovery. */
export function allChecklists(runbook: Runbook): Checklist[] {
  return [runbook.triage, ...runbook.playbooks, runbook.recovery];
}

export function findPlaybook(runbook: Runbook, id: string): Playbook | undefined {
  return runbook.playbooks.find((p) => p.id === id);
}

/** The checklist and item an item id names, if any. Ids in payloads are claims: look them up here. */
export function findItem(runbook: Runbook, itemId: string): { checklist: Checklist; item: ChecklistItem } | undefined {
  for (const checklist of allChecklists(runbook)) {
    for (const section of checklist.sections) {
      const item = section.items.find((i) => i.id === itemId);
      if (item) return { checklist, item };
    }
  }
  return undefined;
}
