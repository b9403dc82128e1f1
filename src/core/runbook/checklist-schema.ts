// The runbook's checklists as data: triage (§5), the playbooks (§6.x), recovery (§8) and the quick
// reference (§10). Zod checks each file at start-up; a broken file stops the bot with a message naming
// the file, the item and the rule. Rules that span files (unique ids, quick reference pointing at a
// playbook that exists) are checked by the loader in checklists.ts.
import { z } from 'zod';
import { ROLES, type Role } from '../incidents/model.js';

const text = z.string().trim().min(1);

const KEBAB = '[a-z0-9]+(?:-[a-z0-9]+)*';
const KEBAB_RE = new RegExp(`^${KEBAB}$`);
const ITEM_ID_RE = new RegExp(`^${KEBAB}\\.${KEBAB}$`);
/** Item ids travel in button payloads and timeline events: keep them short. */
export const ITEM_ID_MAX = 64;

const kebab = z.string().regex(KEBAB_RE, 'must be kebab-case: lower-case letters and digits joined by single hyphens');

/** A runbook section number such as "6.1". Quoted in YAML, or 6.10 would read as the number 6.1. */
const ref = z
  .string({ error: 'must be a quoted section number such as "6.1"' })
  .regex(/^\d+(?:\.\d+)*$/, 'must be a section number such as "6.1"');

const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

export type ChecklistItem = {
  /** `<checklist id>.<kebab-name>`: stable, never renamed or reused (the timeline refers to it). */
  id: string;
  /** The runbook's checkbox wording, verbatim. */
  text: string;
  /** The §3 role whose holder (or the IC) may tick the step; anyone may when absent. */
  owner?: Role;
  /** Key of the containment action the step corresponds to; mapped to an executable action later. */
  action?: string;
  /** A fact that settles the step when it is recorded ("orgo-case": recording the governed Orgo Case). */
  settledBy?: SettledBy;
};

/** Facts the bot records elsewhere that settle a step; ticking such a step asks for the fact. */
export const SETTLED_BY = ['orgo-case'] as const;
export type SettledBy = (typeof SETTLED_BY)[number];

const itemSchema = z
  .object({
    id: z
      .string()
      .max(ITEM_ID_MAX)
      .regex(ITEM_ID_RE, 'must be "<checklist id>.<kebab-case name>", for example "triage.freeze-automation"'),
    text,
    owner: z.string().optional(),
    action: kebab.optional(),
    settledBy: z.string().optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    if (item.owner !== undefined && !isRole(item.owner)) {
      ctx.addIssue({
        code: 'custom',
        path: ['owner'],
        message: `item "${item.id}": owner "${item.owner}" is not a role; an owner must be one of ${ROLES.join(', ')}`,
      });
    }
    if (item.settledBy !== undefined && !(SETTLED_BY as readonly string[]).includes(item.settledBy)) {
      ctx.addIssue({
        code: 'custom',
        path: ['settledBy'],
        message: `item "${item.id}": settledBy "${item.settledBy}" is not a fact the bot records; it must be one of ${SETTLED_BY.join(', ')}`,
      });
    }
  })
  .transform((item): ChecklistItem => item as ChecklistItem);

export const ESCALATION_SEVERITIES = ['SEV0', 'SEV1'] as const;
export type Escalation = { severity: (typeof ESCALATION_SEVERITIES)[number]; when: string };

const escalationSchema = z.object({ severity: z.enum(ESCALATION_SEVERITIES), when: text }).strict();

/** Every item id starts with its checklist's id, and none repeats within the file. */
function checkItemIds(checklistId: string, items: { item: ChecklistItem; path: (string | number)[] }[], ctx: z.RefinementCtx) {
  const seen = new Map<string, string>();
  for (const { item, path } of items) {
    const where = path.join('.');
    if (!item.id.startsWith(`${checklistId}.`)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'id'],
        message: `item "${item.id}": an item id must start with "${checklistId}." (the id of its checklist)`,
      });
    }
    const first = seen.get(item.id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'id'],
        message: `item "${item.id}": already used at ${first}; item ids must be unique and are never reused`,
      });
    } else {
      seen.set(item.id, where);
    }
  }
}

export type ChecklistSection = {
  /** Kebab-case, unique within its checklist. */
  id: string;
  ref?: string;
  title: string;
  /** Words the runbook puts before the items, such as "Snapshot:". */
  note?: string;
  items: ChecklistItem[];
};

const sectionSchema = z
  .object({ id: kebab, ref: ref.optional(), title: text, note: text.optional(), items: z.array(itemSchema).min(1) })
  .strict();

/** checklists/triage.yaml and checklists/recovery.yaml: a checklist in sections. */
export const checklistFileSchema = z
  .object({
    id: kebab,
    ref,
    title: text,
    unownedSteps: z.enum(ROLES, { error: `checklist unownedSteps: must be a role, one of ${ROLES.join(', ')}` }).optional(),
    sections: z.array(sectionSchema).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    const sectionIds = new Set<string>();
    c.sections.forEach((s, si) => {
      if (sectionIds.has(s.id)) {
        ctx.addIssue({ code: 'custom', path: ['sections', si, 'id'], message: `section "${s.id}" appears twice; section ids must be unique` });
      }
      sectionIds.add(s.id);
    });
    checkItemIds(
      c.id,
      c.sections.flatMap((s, si) => s.items.map((item, ii) => ({ item, path: ['sections', si, 'items', ii] }))),
      ctx,
    );
  });
export type ChecklistFile = z.infer<typeof checklistFileSchema>;

/** playbooks/<ref>-<name>.yaml: one playbook of §6, its goal line and its steps. */
export const playbookFileSchema = z
  .object({ id: kebab, ref, title: text, goal: text, escalation: escalationSchema.optional(), items: z.array(itemSchema).min(1) })
  .strict()
  .superRefine((p, ctx) => {
    checkItemIds(p.id, p.items.map((item, ii) => ({ item, path: ['items', ii] })), ctx);
  });
export type PlaybookFile = z.infer<typeof playbookFileSchema>;

export type Symptom = {
  id: string;
  /** The §10 symptom, verbatim. */
  symptom: string;
  /** The playbook to attach for it. */
  playbook: string;
  /** Further playbooks its steps draw on. */
  also?: string[];
  /** The §10 step line, verbatim. */
  steps: string;
};

/** quick-reference.yaml: §10, each symptom pointing at its playbook. */
export const quickReferenceSchema = z
  .object({
    symptoms: z
      .array(z.object({ id: kebab, symptom: text, playbook: kebab, also: z.array(kebab).optional(), steps: text }).strict())
      .min(1),
  })
  .strict()
  .superRefine((q, ctx) => {
    const ids = new Set<string>();
    const texts = new Set<string>();
    q.symptoms.forEach((s, i) => {
      if (ids.has(s.id)) {
        ctx.addIssue({ code: 'custom', path: ['symptoms', i, 'id'], message: `symptom "${s.id}" appears twice; symptom ids must be unique` });
      }
      if (texts.has(s.symptom)) {
        ctx.addIssue({ code: 'custom', path: ['symptoms', i, 'symptom'], message: `symptom "${s.symptom}" appears twice` });
      }
      ids.add(s.id);
      texts.add(s.symptom);
    });
  });
export type QuickReference = { symptoms: Symptom[] };

export type ChecklistKind = 'triage' | 'recovery' | 'playbook';

/** Any checklist, as the state machine and the views see it. A playbook has one section of steps. */
export type Checklist = {
  kind: ChecklistKind;
  id: string;
  ref: string;
  title: string;
  /** §6 playbooks: the runbook's "Goal:" line. */
  goal?: string;
  /** The severity a playbook calls for, and when. */
  escalation?: Escalation;
  /**
   * Who, besides the IC, may move a step without an owner of its own (recovery: the Operations Lead,
   * since its steps gate resolve). Absent: anyone holding a role in the incident.
   */
  unownedSteps?: Role;
  sections: ChecklistSection[];
};

export type Playbook = Checklist & { kind: 'playbook'; goal: string };
