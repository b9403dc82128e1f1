// The runbook's checklists as Slack messages: every checklist, in every mix of states, within Slack's
// limits; the buttons each state offers; a long checklist split across messages with nothing lost;
// the Skip modal; the playbook list and the escalation prompt.
import type { ViewSubmitAction } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { REASON_MAX, type ItemState, type RoleHolderRef } from '../../src/core/checklists/state.js';
import type { Checklist } from '../../src/core/runbook/checklist-schema.js';
import { allChecklists, loadRunbook } from '../../src/core/runbook/checklists.js';
import { loadIncidentModel } from '../../src/core/runbook/loader.js';
import { checklistView, roleNamesOf } from '../../src/core/views/checklist.js';
import {
  checklistMessages,
  ITEM_ACTION,
  ITEM_ACTION_PATTERN,
  itemActionId,
  MESSAGE_BLOCKS,
  parseItemAction,
} from '../../src/surfaces/slack/blocks/checklist.js';
import {
  ATTACH_PLAYBOOK_ACTION,
  escalationPrompt,
  parseAttachPlaybook,
  parseRaiseSeverity,
  playbookList,
  RAISE_SEVERITY_ACTION,
} from '../../src/surfaces/slack/blocks/playbooks.js';
import { playbookLines } from '../../src/core/views/playbooks.js';
import { readSkipForm, readSkipMetadata, SKIP_CALLBACK, skipModal } from '../../src/surfaces/slack/blocks/skip-modal.js';
import { LIMITS, limitProblems, messageBlocksSchema, modalViewSchema } from './block-kit-limits.js';

const runbook = loadRunbook();
const names = roleNamesOf(loadIncidentModel());
const INCIDENT = '6f1c2a4e-8d2b-4c1a-9e3f-0a1b2c3d4e5f';
const T0 = new Date('2026-01-01T12:03:00.000Z');
const USER = 'U0123456789ABCDEFGHIJ';
const holders: RoleHolderRef[] = [
  { role: 'ic', userId: 'UIC' },
  { role: 'ops', userId: 'UOPS' },
  { role: 'sec', userId: 'USEC' },
];

/** 500 characters of user text with every character Slack treats as markup, and an emoji at the cut. */
const LONG_REASON = `<!channel> & <@U999> ${'because the mirror was stale '.repeat(20)}`.slice(0, REASON_MAX - 2) + '🔥';

type Mix = 'open' | 'done' | 'mixed';
const items = (c: Checklist) => c.sections.flatMap((s) => s.items);

function statesFor(c: Checklist, mix: Mix): Map<string, ItemState> {
  const states = new Map<string, ItemState>();
  items(c).forEach((item, i) => {
    if (mix === 'open') return;
    const k = mix === 'done' ? 1 : i % 4;
    if (k === 1) states.set(item.id, { status: 'done', by: USER, at: T0 });
    if (k === 2) states.set(item.id, { status: 'skipped', by: USER, at: T0, reason: LONG_REASON });
    if (k === 3) states.set(item.id, { status: 'na', by: USER, at: T0, reason: LONG_REASON });
  });
  return states;
}

const viewOf = (c: Checklist, mix: Mix) => checklistView(c, statesFor(c, mix), holders, names);

type Element = { type: string; action_id?: string; text?: { text: string }; value?: string; style?: string };
type AnyBlock = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Element[];
  accessory?: Element;
};
const asBlocks = (b: unknown) => b as AnyBlock[];
const itemBlock = (blocks: AnyBlock[], itemId: string) => blocks.find((b) => b.block_id === `item:${itemId}`);
const everyActionId = (blocks: AnyBlock[]) =>
  blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]).flatMap((e) => (e.action_id ? [e.action_id] : []));

const cases = allChecklists(runbook).flatMap((c) => (['open', 'done', 'mixed'] as const).map((mix) => [c.id, mix, c] as const));

describe('checklistMessages: every runbook checklist, in every mix of states', () => {
  it('covers triage, recovery and all seven playbooks', () => {
    expect(allChecklists(runbook).map((c) => c.id)).toEqual(expect.arrayContaining(['triage', 'recovery']));
    expect(runbook.playbooks).toHaveLength(7);
  });

  it.each(cases)('%s with %s items stays within Slack\'s limits', (_id, mix, c) => {
    const messages = checklistMessages(viewOf(c, mix), INCIDENT);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    for (const m of messages) {
      expect(limitProblems(messageBlocksSchema, m.blocks)).toEqual([]);
      expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
      expect(m.text.length).toBeGreaterThan(0);
    }
    // Every item once, with its own buttons: action ids are unique across all the messages too.
    const all = messages.flatMap((m) => asBlocks(m.blocks));
    const ids = everyActionId(all);
    expect(new Set(ids).size).toBe(ids.length);
    for (const item of items(c)) {
      expect(all.filter((b) => b.block_id === `item:${item.id}`)).toHaveLength(1);
    }
  });

  it.each(cases)('%s with %s items: open offers Done and Skip, a settled step only Undo; an action step also Run', (_id, mix, c) => {
    const view = viewOf(c, mix);
    const blocks = checklistMessages(view, INCIDENT).flatMap((m) => asBlocks(m.blocks));
    for (const item of view.sections.flatMap((s) => s.items)) {
      const act = blocks.find((b) => b.block_id === `act:${item.id}`)!;
      const [run] = item.action ? act.elements!.splice(-1) : [];
      if (item.action) expect([run!.text!.text, run!.action_id, run!.value]).toEqual(['Run', `run_action:${item.id}`, item.action]);
      if (item.state === 'open') {
        expect(act.elements!.map((e) => [e.text!.text, e.action_id, e.style])).toEqual([
          ['Done', `item:done:${item.id}`, 'primary'],
          ['Skip', `item:skip:${item.id}`, undefined],
        ]);
      } else {
        expect(act.elements!.map((e) => [e.text!.text, e.action_id])).toEqual([['Undo', `item:undo:${item.id}`]]);
      }
      for (const e of act.elements!) expect(e.value).toBe(INCIDENT);
    }
  });
});

describe('what a responder reads', () => {
  const states = new Map<string, ItemState>([
    ['triage.assign-leads', { status: 'done', by: 'UIC', at: T0 }],
    ['triage.freeze-automation', { status: 'skipped', by: 'UOPS', at: T0, reason: 'nothing <automated> & running' }],
    ['triage.snapshot-render-bundles', { status: 'na', by: 'UIC', at: T0 }],
  ]);
  const view = checklistView(runbook.triage, states, holders, names);
  const [message, ...rest] = checklistMessages(view, INCIDENT);
  const blocks = asBlocks(message!.blocks);

  it('fits the triage in one message, titled with its runbook section and its overall progress', () => {
    expect(rest).toEqual([]);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Triage checklist (first 10 minutes) (§5)' } });
    expect(JSON.stringify(blocks[1])).toContain('3/13 settled');
    expect(message!.text).toBe('Triage checklist (first 10 minutes) (§5): 3/13 settled');
  });

  it('heads each section with its progress', () => {
    const headings = blocks.filter((b) => b.block_id?.startsWith('sec:')).map((b) => b.text!.text);
    expect(headings).toEqual([
      '*5.1 Stabilize* — 2/3',
      '*5.2 Identify scope* — 0/3',
      '*5.3 Preserve evidence (before destructive actions)* — 1/7\nSnapshot:',
    ]);
  });

  it('marks each step with its state, owner, and who set it when', () => {
    expect(itemBlock(blocks, 'triage.assign-leads')!.text!.text).toBe(
      '✅ Assign IC + required leads. · _Incident Commander_\nDone by <@UIC> at 2026-01-01 12:03 UTC',
    );
    expect(itemBlock(blocks, 'triage.freeze-automation')!.text!.text).toBe(
      '⏭️ Freeze risky automation if it could worsen impact (publishes, auto-activation, key rotation). · _Operations Lead_\n' +
        'Skipped by <@UOPS> at 2026-01-01 12:03 UTC: nothing &lt;automated&gt; &amp; running',
    );
    expect(itemBlock(blocks, 'triage.snapshot-render-bundles')!.text!.text).toMatch(/^➖ .*\nNot applicable by <@UIC> at 2026-01-01 12:03 UTC$/);
    const open = itemBlock(blocks, 'triage.impacted-scope')!.text!.text;
    expect(open).toBe('☐ Which tenants/channels/environments are impacted?');
  });

  it('never lets a skip reason write a mention or a link: it is escaped', () => {
    const v = checklistView(
      runbook.triage,
      new Map([['triage.assign-leads', { status: 'skipped', by: 'UIC', at: T0, reason: LONG_REASON } as ItemState]]),
      holders,
      names,
    );
    const text = itemBlock(asBlocks(checklistMessages(v, INCIDENT)[0]!.blocks), 'triage.assign-leads')!.text!.text;
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;@U999&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('🔥');
  });

  it('gives a playbook its goal line and, where the runbook has one, its escalation note', () => {
    const pb = runbook.playbooks.find((p) => p.ref === '6.2')!;
    const b = asBlocks(checklistMessages(viewOf(pb, 'open'), INCIDENT)[0]!.blocks);
    expect(b[0]!.text!.text).toBe(`Playbook 6.2: ${pb.title}`);
    expect(b.find((x) => x.block_id === 'goal')!.text!.text).toBe(`*Goal:* ${pb.goal}`);
    expect(b.find((x) => x.block_id === 'escalation')!.text!.text).toContain('SEV1 or higher');
    expect(b.find((x) => x.block_id === 'sec:steps')!.text!.text).toBe(`*Steps* — 0/${items(pb).length}`);
    const quiet = runbook.playbooks.find((p) => p.ref === '6.1')!;
    expect(asBlocks(checklistMessages(viewOf(quiet, 'open'), INCIDENT)[0]!.blocks).some((x) => x.block_id === 'escalation')).toBe(false);
  });
});

/** A checklist the runbook does not have: `sizes[i]` items in section i, each with a long text. */
function synthetic(sizes: number[]): Checklist {
  return {
    kind: 'triage',
    id: 'big',
    ref: '99',
    title: 'A very long checklist',
    sections: sizes.map((n, si) => ({
      id: `part-${si}`,
      ref: `99.${si + 1}`,
      title: `Part ${si + 1}`,
      items: Array.from({ length: n }, (_, ii) => ({
        id: `big.s${si}-i${ii}`,
        text: `Step ${ii} of part ${si}: ${'do the thing carefully '.repeat(20)}`,
        owner: 'ops' as const,
      })),
    })),
  };
}

describe('a checklist longer than one message', () => {
  it.each<[string, number[]]>([
    ['40 items in one section', [40]],
    ['40 items in eight sections', [5, 5, 5, 5, 5, 5, 5, 5]],
    ['100 items in sections of uneven size', [1, 23, 24, 25, 2, 1, 24]],
  ])('%s: split within limits, each item exactly once, in order', (_what, sizes) => {
    const c = synthetic(sizes);
    const mix: Mix[] = ['open', 'done', 'mixed'];
    for (const m of mix) {
      const view = viewOf(c, m);
      const messages = checklistMessages(view, INCIDENT);
      expect(messages.length).toBeGreaterThanOrEqual(2);
      for (const msg of messages) expect(limitProblems(messageBlocksSchema, msg.blocks)).toEqual([]);

      const seen = messages.flatMap((msg) =>
        asBlocks(msg.blocks).flatMap((b) => (b.block_id?.startsWith('item:') ? [b.block_id.slice('item:'.length)] : [])),
      );
      expect(seen).toEqual(items(c).map((i) => i.id));

      // Each item's buttons sit in the same message as the item, right after it.
      for (const msg of messages) {
        const bs = asBlocks(msg.blocks);
        bs.forEach((b, i) => {
          if (b.block_id?.startsWith('item:')) expect(bs[i + 1]!.block_id).toBe(`act:${b.block_id.slice('item:'.length)}`);
        });
        // Never a section heading without one of its items after it.
        bs.forEach((b, i) => {
          if (b.block_id?.startsWith('sec:')) expect(bs[i + 1]?.block_id).toMatch(/^item:/);
        });
      }

      // Later messages open with a small "(continued)" header naming the checklist and the overall progress.
      messages.slice(1).forEach((msg, i) => {
        const first = asBlocks(msg.blocks)[0]!;
        expect(first.type).toBe('context');
        expect(JSON.stringify(first)).toContain(`(continued, part ${i + 2} of ${messages.length})`);
        expect(JSON.stringify(first)).toContain(`${view.progress} settled`);
        expect(msg.text).toContain('continued');
      });
      expect(messages.map((msg) => msg.text.endsWith(`${view.progress} settled`))).not.toContain(false);
    }
  });

  it('fills messages before starting another (no more messages than needed)', () => {
    const messages = checklistMessages(viewOf(synthetic([40]), 'open'), INCIDENT);
    // 2 intro blocks + 1 heading + 23 items of 2 blocks = 49 (a 24th would make 51); the other 17 items follow
    // under a "(continued)" header and the repeated heading.
    expect(messages.map((m) => m.blocks.length)).toEqual([49, 36]);
    expect(messages[0]!.blocks.length).toBeLessThanOrEqual(MESSAGE_BLOCKS);
  });

  it('marks a section heading repeated in a later message as continued', () => {
    const messages = checklistMessages(viewOf(synthetic([40]), 'open'), INCIDENT);
    const heading = asBlocks(messages[1]!.blocks).find((b) => b.block_id === 'sec:part-0')!;
    expect(heading.text!.text).toBe('*99.1 Part 1* (continued) — 0/40');
  });

  it('splits the same way whatever the states, so a click re-renders into the same message', () => {
    const c = synthetic([7, 30, 12]);
    const shape = (mix: Mix) => checklistMessages(viewOf(c, mix), INCIDENT).map((m) => asBlocks(m.blocks).map((b) => b.block_id));
    expect(shape('done')).toEqual(shape('open'));
    expect(shape('mixed')).toEqual(shape('open'));
  });
});

describe('parseItemAction', () => {
  it.each(['done', 'skip', 'undo'] as const)('round-trips %s', (verb) => {
    const id = itemActionId(verb, 'triage.assign-leads');
    expect(id).toBe(`${ITEM_ACTION}:${verb}:triage.assign-leads`);
    expect(ITEM_ACTION_PATTERN.test(id)).toBe(true);
    expect(parseItemAction(id)).toEqual({ verb, itemId: 'triage.assign-leads' });
  });

  it('round-trips every item of the runbook', () => {
    for (const item of allChecklists(runbook).flatMap(items)) {
      expect(parseItemAction(itemActionId('done', item.id))).toEqual({ verb: 'done', itemId: item.id });
    }
  });

  it.each([
    'item:tick:triage.assign-leads',
    'item:done:',
    'item:done',
    'item',
    'attach_playbook:bad-release',
    'xitem:done:triage.assign-leads',
    'item:done:triage.assign-leads:extra',
    'item:done:has space',
    `item:done:${'x'.repeat(65)}`,
  ])('refuses %j', (actionId) => {
    expect(parseItemAction(actionId)).toBeNull();
  });
});

describe('the Skip modal', () => {
  const meta = { incidentId: INCIDENT, itemId: 'triage.freeze-automation', roomId: 'C_INC' };

  it('stays within the modal limits, even for a long step text', () => {
    expect(limitProblems(modalViewSchema, skipModal(meta, 'Freeze risky automation.'))).toEqual([]);
    expect(limitProblems(modalViewSchema, skipModal(meta, 'x'.repeat(5000)))).toEqual([]);
  });

  it('asks for a required reason of at most 500 characters and an optional not-applicable box', () => {
    const v = skipModal(meta, 'Freeze <risky> automation.') as unknown as {
      callback_id: string;
      title: { text: string };
      submit: { text: string };
      private_metadata: string;
      blocks: { block_id: string; optional?: boolean; text?: { text: string }; element?: Record<string, unknown> }[];
    };
    expect([v.callback_id, v.title.text, v.submit.text]).toEqual([SKIP_CALLBACK, 'Skip a step', 'Skip']);
    const reason = v.blocks.find((b) => b.block_id === 'reason')!;
    expect(reason.optional).toBeFalsy();
    expect(reason.element).toMatchObject({ type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 });
    const na = v.blocks.find((b) => b.block_id === 'na')!;
    expect(na.optional).toBe(true);
    expect(na.element).toMatchObject({
      type: 'checkboxes',
      action_id: 'value',
      options: [{ text: { text: 'Not applicable to this incident' }, value: 'yes' }],
    });
    expect(JSON.stringify(v.blocks)).toContain('Freeze &lt;risky&gt; automation.');
    expect(readSkipMetadata(v.private_metadata)).toEqual(meta);
  });

  type Values = ViewSubmitAction['view']['state']['values'];
  it('reads the reason and the box', () => {
    const values: Values = {
      reason: { value: { type: 'plain_text_input', value: '  no automation running  ' } },
      na: { value: { type: 'checkboxes', selected_options: [{ text: { type: 'plain_text', text: 'N/A' }, value: 'yes' }] } },
    };
    expect(readSkipForm(values)).toEqual({ reason: 'no automation running', notApplicable: true });
    const unchecked: Values = {
      reason: { value: { type: 'plain_text_input', value: 'later' } },
      na: { value: { type: 'checkboxes', selected_options: [] } },
    };
    expect(readSkipForm(unchecked)).toEqual({ reason: 'later', notApplicable: false });
  });

  it('reads a form with fields missing as an empty reason, not applicable unticked', () => {
    expect(readSkipForm({})).toEqual({ reason: '', notApplicable: false });
    expect(readSkipForm({ reason: { value: { type: 'plain_text_input', value: null } } })).toEqual({ reason: '', notApplicable: false });
  });

  it.each([
    '',
    'not json',
    'null',
    '42',
    '"a string"',
    '[]',
    JSON.stringify({ incidentId: INCIDENT, itemId: 'triage.x' }),
    JSON.stringify({ incidentId: INCIDENT, itemId: 7, roomId: 'C' }),
    JSON.stringify({ incidentId: '', itemId: 'triage.x', roomId: 'C' }),
  ])('refuses malformed metadata %j', (raw) => {
    expect(readSkipMetadata(raw)).toBeNull();
  });

  it('keeps only the three fields of well-formed metadata', () => {
    expect(readSkipMetadata(JSON.stringify({ ...meta, extra: 'x' }))).toEqual(meta);
  });
});

describe('the playbook list', () => {
  it.each<[string, string[]]>([
    ['none attached', []],
    ['some attached', ['verification-failure', 'security-compromise']],
    ['all attached', runbook.playbooks.map((p) => p.id)],
  ])('stays within limits with %s, and offers Attach only for those not attached', (_what, attached) => {
    const { text, blocks } = playbookList(playbookLines(runbook, attached), INCIDENT);
    expect(limitProblems(messageBlocksSchema, blocks)).toEqual([]);
    expect(text.length).toBeGreaterThan(0);
    const bs = asBlocks(blocks);
    for (const p of runbook.playbooks) {
      const row = bs.find((b) => b.block_id === `pb:${p.id}`)!;
      expect(row.text!.text).toContain(`${p.ref} `);
      if (attached.includes(p.id)) {
        expect(row.accessory).toBeUndefined();
        expect(row.text!.text).toContain('attached');
      } else {
        expect(row.accessory).toMatchObject({ type: 'button', action_id: `${ATTACH_PLAYBOOK_ACTION}:${p.id}`, value: INCIDENT, text: { text: 'Attach' } });
        expect(row.text!.text).not.toContain('attached');
        expect(parseAttachPlaybook(row.accessory!.action_id!)).toBe(p.id);
      }
    }
  });

  it('shows each playbook with its goal and the §10 symptoms that point at it', () => {
    const bs = asBlocks(playbookList(playbookLines(runbook, []), INCIDENT).blocks);
    for (const p of runbook.playbooks) {
      const text = bs.find((b) => b.block_id === `pb:${p.id}`)!.text!.text;
      expect(text).toContain(p.goal);
      for (const s of runbook.quickReference.symptoms) {
        if (s.playbook === p.id || s.also?.includes(p.id)) expect(text).toContain(`“${s.symptom}”`);
        else expect(text).not.toContain(`“${s.symptom}”`);
      }
    }
    const vf = bs.find((b) => b.block_id === 'pb:verification-failure')!.text!.text;
    expect(vf).toMatch(/Symptoms \(§10\):_ “Signature\/hash mismatch”/);
    expect(vf).toMatch(/Also drawn on for:_ “Activation failing across a channel”/);
    expect(vf).toContain('SEV1 or higher');
  });

  it('refuses Attach action ids that are not one', () => {
    expect(parseAttachPlaybook('attach_playbook:')).toBeNull();
    expect(parseAttachPlaybook('attach_playbook:Bad Id')).toBeNull();
    expect(parseAttachPlaybook('item:done:x.y')).toBeNull();
  });
});

describe('the escalation prompt', () => {
  const raiseButtons = (blocks: unknown) =>
    asBlocks(blocks).flatMap((b) => b.elements ?? []).map((e) => [e.text!.text, e.action_id, e.value]);

  it('offers "Raise to SEV0" for §6.7 on a SEV2 incident', () => {
    const { text, blocks } = escalationPrompt(4, 'Suspected security compromise', { severity: 'SEV0', when: 'treat as SEV0.' }, 'SEV2', INCIDENT);
    expect(limitProblems(messageBlocksSchema, blocks)).toEqual([]);
    expect(text).toContain('#4');
    expect(text).toContain('SEV0');
    expect(raiseButtons(blocks)).toEqual([['Raise to SEV0', `${RAISE_SEVERITY_ACTION}:SEV0`, INCIDENT]]);
  });

  it('offers SEV1, then SEV0, for §6.2 ("SEV0/SEV1") on a SEV3 incident; none once at SEV1', () => {
    const esc = { severity: 'SEV1' as const, when: 'If mismatch persists: treat as SEV0/SEV1 until proven benign.' };
    const at3 = escalationPrompt(7, 'Verification failures', esc, 'SEV3', INCIDENT);
    expect(limitProblems(messageBlocksSchema, at3.blocks)).toEqual([]);
    expect(raiseButtons(at3.blocks)).toEqual([
      ['Raise to SEV1', 'raise_severity:SEV1', INCIDENT],
      ['Raise to SEV0', 'raise_severity:SEV0', INCIDENT],
    ]);
    expect(raiseButtons(escalationPrompt(7, 'Verification failures', esc, 'SEV1', INCIDENT).blocks)).toEqual([]);
    expect(parseRaiseSeverity('raise_severity:SEV1')).toBe('SEV1');
    expect(parseRaiseSeverity('raise_severity:SEV9')).toBeNull();
  });

  it('offers no button when the incident is already at the severity or above', () => {
    const { text, blocks } = escalationPrompt(2, 'Suspected security compromise', { severity: 'SEV0', when: 'treat as SEV0.' }, 'SEV0', INCIDENT);
    expect(raiseButtons(blocks)).toEqual([]);
    expect(text).toContain('already');
  });
});
