// A runbook checklist (triage, a playbook, recovery) as Slack messages: each item with its state, who
// set it and when, and the buttons that apply (Done and Skip while open, Undo once settled).
// Pure: a ChecklistView in, Block Kit out.
//
// Every item renders as exactly two blocks whatever its state, so the split of a long checklist into
// messages depends only on the checklist's shape, never on its state: re-rendering after a click puts
// every item back in the message it was in, and a listener can update that one message.
import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import type { ItemStatus } from '../../../core/checklists/state.js';
import { ITEM_ID_MAX } from '../../../core/runbook/checklist-schema.js';
import type { ChecklistItemView, ChecklistSectionView, ChecklistView } from '../../../core/views/checklist.js';
import { utc } from '../../../core/views/text.js';
import { RUN_ACTION } from './actions.js';
import { mrkdwn } from './rich.js';
import { clip, escape, md, plain } from './text.js';

export const ITEM_ACTION = 'item';
export const ITEM_VERBS = ['done', 'skip', 'undo'] as const;
export type ItemVerb = (typeof ITEM_VERBS)[number];

/** Slack: at most 50 blocks in a message. */
export const MESSAGE_BLOCKS = 50;

/** `item:<verb>:<itemId>`: unique within a message, since item ids are unique across the runbook. */
export const itemActionId = (verb: ItemVerb, itemId: string): string => `${ITEM_ACTION}:${verb}:${itemId}`;

/** Matches every item button, for registering one listener: `app.action(ITEM_ACTION_PATTERN, …)`. */
export const ITEM_ACTION_PATTERN = new RegExp(`^${ITEM_ACTION}:(${ITEM_VERBS.join('|')}):`);

const ITEM_ACTION_RE = new RegExp(`^${ITEM_ACTION}:(${ITEM_VERBS.join('|')}):([^\\s:]{1,${ITEM_ID_MAX}})$`);

/** The verb and item id of an item button's action_id, or null for anything else. The item id is a
 * claim: look it up in the runbook and check it belongs to the incident before acting on it. */
export function parseItemAction(actionId: string): { verb: ItemVerb; itemId: string } | null {
  const m = ITEM_ACTION_RE.exec(actionId);
  return m ? { verb: m[1] as ItemVerb, itemId: m[2]! } : null;
}

export const STATE_MARKS: Record<ItemStatus, string> = { open: '☐', done: '✅', skipped: '⏭️', na: '➖' };

const VERBS: Record<Exclude<ItemStatus, 'open'>, string> = { done: 'Done', skipped: 'Skipped', na: 'Not applicable' };

/** "Triage checklist (first 10 minutes) (§5)", "Playbook 6.2: Verification failures (…)". */
export function checklistTitle(view: Pick<ChecklistView, 'kind' | 'ref' | 'title'>): string {
  return view.kind === 'playbook' ? `Playbook ${view.ref}: ${view.title}` : `${view.title} (§${view.ref})`;
}

const settledLabel = (view: ChecklistView) => `${view.progress} settled`;

/** "*5.1 Stabilize* — 1/3", with "(continued)" when the section carries on from an earlier message. */
function sectionHeading(section: ChecklistSectionView, continued: boolean): KnownBlock {
  const name = escape(section.ref ? `${section.ref} ${section.title}` : section.title);
  const note = !continued && section.note ? `\n${escape(section.note)}` : '';
  return {
    type: 'section',
    block_id: `sec:${section.id}`,
    text: md(`*${name}*${continued ? ' (continued)' : ''} — ${section.progress}${note}`),
  };
}

/** "Skipped by <@U1> at 2026-01-01 12:07 UTC: <reason>", the reason escaped (user-written text). */
function detailLine(item: ChecklistItemView): string | null {
  if (item.state === 'open') return null;
  if (item.by === null || item.at === null) return item.detail === null ? null : mrkdwn(item.detail);
  const line = `${VERBS[item.state]} by <@${item.by}> at ${utc(item.at)}`;
  return item.reason ? `${line}: ${escape(item.reason)}` : line;
}

function itemText(item: ChecklistItemView): string {
  const owner = item.ownerName ? ` · _${escape(item.ownerName)}_` : '';
  const detail = detailLine(item);
  const head = `${STATE_MARKS[item.state]} ${escape(item.text)}${owner}`;
  if (detail === null) return clip(head, 3000);
  // The detail holds the reason (up to 500 characters); cut the detail, never the step it describes.
  const room = 3000 - head.length - 1;
  return room > 1 ? `${head}\n${clip(detail, room)}` : clip(head, 3000);
}

const button = (label: string, verb: ItemVerb, itemId: string, incidentId: string, primary = false) => ({
  type: 'button' as const,
  action_id: itemActionId(verb, itemId),
  text: plain(label, 75),
  value: incidentId,
  ...(primary ? { style: 'primary' as const } : {}),
});

/** Exactly two blocks per item, whatever its state (see the top of this file). */
function itemBlocks(item: ChecklistItemView, incidentId: string): [KnownBlock, KnownBlock] {
  const buttons =
    item.state === 'open'
      ? [button('Done', 'done', item.id, incidentId, true), button('Skip', 'skip', item.id, incidentId)]
      : [button('Undo', 'undo', item.id, incidentId)];
  // A step that is a §6 containment action can be requested from where it is read.
  if (item.action) buttons.push({ type: 'button', action_id: `${RUN_ACTION}:${item.id}`, text: plain('Run', 75), value: item.action });
  return [
    { type: 'section', block_id: `item:${item.id}`, text: md(itemText(item)) },
    { type: 'actions', block_id: `act:${item.id}`, elements: buttons },
  ];
}

function introBlocks(view: ChecklistView): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: `checklist:${view.id}`, text: plain(checklistTitle(view), 150) },
    {
      type: 'context',
      block_id: 'progress',
      elements: [md(`*${settledLabel(view)}* · ☐ open · ✅ done · ⏭️ skipped · ➖ not applicable`)],
    },
  ];
  if (view.goal) blocks.push({ type: 'section', block_id: 'goal', text: md(`*Goal:* ${escape(view.goal)}`) });
  if (view.escalation) {
    blocks.push({
      type: 'section',
      block_id: 'escalation',
      text: md(`⚠️ *Calls for ${view.escalation.severity} or higher.* ${escape(view.escalation.when)}`),
    });
  }
  return blocks;
}

function continuedBlock(view: ChecklistView, part: number, parts: number): KnownBlock {
  return {
    type: 'context',
    block_id: `checklist:${view.id}:${part}`,
    elements: [md(`*${escape(checklistTitle(view))}* (continued, part ${part} of ${parts}) · ${settledLabel(view)}`)],
  };
}

function fallbackText(view: ChecklistView, part: number, parts: number): string {
  const where = parts > 1 ? (part === 1 ? ` (part 1 of ${parts})` : ` (continued, part ${part} of ${parts})`) : '';
  return `${escape(checklistTitle(view))}${where}: ${settledLabel(view)}`;
}

/**
 * The checklist as one message, or several when it would exceed Slack's 50 blocks: a message breaks
 * before a section, or between items (repeating the section heading, marked continued). Every message
 * after the first opens with a small "(continued)" header. `incidentId` is each button's value.
 */
export function checklistMessages(view: ChecklistView, incidentId: string): { text: string; blocks: KnownBlock[] }[] {
  // The first block of each later message is its "(continued)" header, filled in once the count is known.
  const parts: (KnownBlock | null)[][] = [introBlocks(view)];
  let current = parts[0]!;
  const startMessage = () => {
    current = [null];
    parts.push(current);
  };

  for (const section of view.sections) {
    let headed = false;
    section.items.forEach((item, i) => {
      const blocks = itemBlocks(item, incidentId);
      if (current.length + blocks.length + (headed ? 0 : 1) > MESSAGE_BLOCKS) {
        startMessage();
        headed = false;
      }
      if (!headed) {
        current.push(sectionHeading(section, i > 0));
        headed = true;
      }
      current.push(...blocks);
    });
  }

  return parts.map((blocks, i) => ({
    text: fallbackText(view, i + 1, parts.length),
    blocks: blocks.map((b) => b ?? continuedBlock(view, i + 1, parts.length)),
  }));
}
