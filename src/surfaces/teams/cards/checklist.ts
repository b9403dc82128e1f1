// A runbook checklist as Adaptive Cards: each step with its state, who set it and when, and the
// buttons that apply (Done and Skip while open, Undo once settled, Run for a §6 action).
// A long checklist is split into several cards by its shape (a worst-case size per step), never by
// its state, so a re-render after a click puts each step back in the card it was in.
import type { ItemStatus } from '../../../core/checklists/state.js';
import type { ChecklistItemView, ChecklistView } from '../../../core/views/checklist.js';
import { actionSet, card, clip, escapeText, execute, heading, mentioner, MESSAGE_BYTES, openForm, small, textBlock, utc, type Card, type Element } from './card.js';
import type { Render } from './card.js';

export const STATE_MARKS: Record<ItemStatus, string> = { open: '☐', done: '✅', skipped: '⏭️', na: '➖' };
const VERBS: Record<Exclude<ItemStatus, 'open'>, string> = { done: 'Done', skipped: 'Skipped', na: 'Not applicable' };

/** A step's worst case: its text, owner and a 500-character reason, plus the card JSON around them. */
const itemBudget = (item: ChecklistItemView) => item.text.length * 2 + (item.ownerName?.length ?? 0) + 1_400;
const INTRO_BUDGET = 2_000;

export function checklistTitle(view: Pick<ChecklistView, 'kind' | 'ref' | 'title'>): string {
  return view.kind === 'playbook' ? `Playbook ${view.ref}: ${view.title}` : `${view.title} (§${view.ref})`;
}

function itemElement(item: ChecklistItemView, incidentId: string, m: ReturnType<typeof mentioner>): Element {
  const owner = item.ownerName ? ` · _${escapeText(item.ownerName)}_` : '';
  const lines = [textBlock(`${STATE_MARKS[item.state]} ${escapeText(item.text)}${owner}`)];
  if (item.state !== 'open' && item.by && item.at) {
    const reason = item.reason ? `: ${escapeText(clip(item.reason, 500))}` : '';
    lines.push(small(`${VERBS[item.state]} by ${m.who(item.by)} at ${utc(item.at)}${reason}`));
  }
  const target = { incidentId, itemId: item.id };
  const buttons =
    item.state === 'open'
      ? [execute('Done', 'item.done', target, 'positive'), openForm('Skip', 'skip', target)]
      : [execute('Undo', 'item.undo', target)];
  if (item.action) buttons.push(openForm('Run', 'action', { incidentId, actionId: item.action }));
  return { type: 'Container', id: `item-${item.id}`, separator: true, items: [...lines, actionSet(buttons)] };
}

/** The checklist as one card, or several (each marked "continued") when it would pass Teams' size limit. */
export function checklistCards(view: ChecklistView, incidentId: string, r: Render): Card[] {
  type Section = { view: ChecklistView['sections'][number]; continued: boolean; items: ChecklistItemView[] };
  type Part = { sections: Section[]; budget: number };
  const parts: Part[] = [{ sections: [], budget: INTRO_BUDGET }];
  for (const section of view.sections) {
    let current: Section | null = null;
    for (const item of section.items) {
      let part = parts.at(-1)!;
      if (part.budget + itemBudget(item) > MESSAGE_BYTES) {
        parts.push((part = { sections: [], budget: INTRO_BUDGET }));
        current = null;
      }
      if (!current) part.sections.push((current = { view: section, continued: item !== section.items[0], items: [] }));
      current.items.push(item);
      part.budget += itemBudget(item);
    }
  }
  const sectionHeading = ({ view: s, continued }: Section): Element[] => [
    textBlock(`**${escapeText(s.ref ? `${s.ref} ${s.title}` : s.title)}**${continued ? ' (continued)' : ''} — ${s.progress}`, { spacing: 'Large' }),
    ...(s.note && !continued ? [small(escapeText(s.note))] : []),
  ];
  return parts.map((part, i) => {
    const m = mentioner(r);
    const intro: Element[] =
      i === 0
        ? [
            heading(escapeText(checklistTitle(view))),
            small(`**${view.progress} settled** · ☐ open · ✅ done · ⏭️ skipped · ➖ not applicable`),
            ...(view.goal ? [textBlock(`**Goal:** ${escapeText(view.goal)}`)] : []),
            ...(view.escalation ? [textBlock(`⚠️ **Calls for ${view.escalation.severity} or higher.** ${escapeText(view.escalation.when)}`)] : []),
          ]
        : [small(`**${escapeText(checklistTitle(view))}** (continued, part ${i + 1} of ${parts.length}) · ${view.progress} settled`)];
    const body = [
      ...intro,
      ...part.sections.flatMap((s) => [...sectionHeading(s), ...s.items.map((item) => itemElement(item, incidentId, m))]),
    ];
    return card(body, m.mentions);
  });
}

export function retiredCard(title: string): Card {
  return card([small(`${escapeText(title)}: this copy was replaced by a newer one below.`)]);
}
