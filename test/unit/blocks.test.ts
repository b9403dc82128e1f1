// Block Kit builders: what a responder sees in the pinned header and the declare form, and proof that
// Slack would accept it even at the largest incident the core lets anyone declare.
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/core/runbook/content.js';
import type { Area, IncidentState, Role } from '../../src/core/incidents/model.js';
import { AREAS, ROLES } from '../../src/core/incidents/model.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { declareFormView, headerView, type HeaderView } from '../../src/core/views/incident.js';
import { declareModal } from '../../src/surfaces/slack/blocks/declare-modal.js';
import { headerBlocks, IN_FORCE_SHOWN, TAKE_ROLE_ACTION } from '../../src/surfaces/slack/blocks/header.js';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';
import { LIMITS, limitProblems, messageBlocksSchema, modalViewSchema } from './block-kit-limits.js';

const content = loadContent();
const model = content.model;
const NOW = new Date('2026-03-02T10:00:00.000Z');
const ROOM = 'C_INC';

/** Words up to exactly `n` characters, so clipping shows where a limit is not respected. */
const words = (n: number, word = 'signature mismatch ') => word.repeat(Math.ceil(n / word.length)).slice(0, n).trimEnd().padEnd(n, 'x');

/** The largest incident the core accepts: every area, 150-character title, 50 items of 100 characters per list. */
async function largestIncident(holders: 'none' | 'all' | 'some'): Promise<IncidentState> {
  const service = new IncidentService({ repo: new MemoryIncidentRepository(), clock: new TestClock(), ...loadContent() });
  const ws = await service.workspace('slack', 'T_ACME');
  const list = (kind: string) => Array.from({ length: 50 }, (_, i) => `${kind}-${i}-`.padEnd(100, 'q'));
  const ic = 'U0123456789ABCDEFGHIJ';
  const { state } = await service.declare(ws, ic, 'V_BIG', 'C_GENERAL', {
    title: words(150),
    severity: 'SEV0',
    areas: [...AREAS],
    tenants: list('tenant'),
    channels: list('channel'),
    environments: list('env'),
    integrityUncertain: true,
  });
  let s = (await service.attachRoom(ws, state.incident.id, { id: ROOM, name: 'inc-1-big' })).state;
  const toFill: Role[] = holders === 'all' ? ROLES.filter((r) => r !== 'ic') : holders === 'some' ? ['sec', 'architect'] : [];
  for (const role of toFill) {
    s = (await service.assignRole(ws, s.incident.id, ic, role, `U${role.toUpperCase()}`.padEnd(21, '7'))).state;
  }
  return s;
}

const baseView = (over: Partial<HeaderView> = {}): HeaderView => ({
  incidentId: '6f1c2a4e-8d2b-4c1a-9e3f-0a1b2c3d4e5f',
  number: 4,
  title: 'Bad pack activated on stable',
  severity: 'SEV1',
  severityDefinition: model.severities.SEV1,
  status: 'investigating',
  statusLabel: 'investigating',
  statusNote: 'Investigating: triage or containment is under way.',
  areas: ['Distribution / activation'],
  tenants: ['acme'],
  channels: ['stable'],
  environments: ['prod-eu'],
  integrityUncertain: false,
  roles: [
    { role: 'ic', name: 'Incident Commander', userId: 'U_IC', required: true },
    { role: 'ops', name: 'Operations Lead', userId: null, required: true },
  ],
  declaredBy: 'U_IC',
  declaredAt: new Date('2026-03-02T09:00:00.000Z'),
  asOf: new Date('2026-03-02T09:07:00.000Z'),
  elapsed: { ms: 7 * 60_000, label: '7 min', running: true },
  checklists: [{ id: 'triage', kind: 'triage', ref: '5', title: 'Triage', settled: 2, total: 13, label: '2/13' }],
  playbooks: [],
  orgoCaseUrl: null,
  lastUpdateAt: null,
  nextUpdateDueAt: new Date('2026-03-02T09:15:00.000Z'),
  updateOverdue: false,
  inForce: [],
  offers: { postUpdate: true, takeRole: true, lift: true },
  ...over,
});

type AnyBlock = { type: string; block_id?: string; text?: { text: string }; fields?: { text: string }[]; accessory?: Record<string, unknown> };
const asBlocks = (b: unknown) => b as AnyBlock[];
const allText = (blocks: AnyBlock[]) => JSON.stringify(blocks);

describe('the Block Kit limits schema itself', () => {
  const validMessage = () => [
    { type: 'header', text: { type: 'plain_text', text: 'Incident #1' } },
    { type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'hello' }, fields: [{ type: 'mrkdwn', text: 'x' }] },
    {
      type: 'actions',
      block_id: 'b',
      elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' }, value: '1' }],
    },
    { type: 'section', block_id: 'c', text: { type: 'mrkdwn', text: 'x' }, accessory: { type: 'button', action_id: 'other', text: { type: 'plain_text', text: 'Other' } } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'small print' }] },
    { type: 'divider' },
  ];
  const validModal = () => ({
    type: 'modal',
    title: { type: 'plain_text', text: 'Form' },
    submit: { type: 'plain_text', text: 'OK' },
    blocks: [
      {
        type: 'input',
        block_id: 'pick',
        label: { type: 'plain_text', text: 'Pick' },
        element: {
          type: 'radio_buttons',
          action_id: 'value',
          options: [{ text: { type: 'plain_text', text: 'One' }, description: { type: 'plain_text', text: 'the first' }, value: '1' }],
        },
      },
      { type: 'input', block_id: 'say', label: { type: 'plain_text', text: 'Say' }, element: { type: 'plain_text_input', action_id: 'value', max_length: 10, initial_value: 'hi' } },
    ],
  });

  it('accepts a message and a modal within every limit', () => {
    expect(limitProblems(messageBlocksSchema, validMessage())).toEqual([]);
    expect(limitProblems(modalViewSchema, validModal())).toEqual([]);
  });

  const over = (n: number) => 'x'.repeat(n + 1);
  it.each<[string, (m: any[]) => void]>([
    ['51 blocks', (m) => m.push(...Array.from({ length: 51 - m.length }, () => ({ type: 'divider' })))],
    ['a 151-character header', (m) => (m[0].text.text = over(LIMITS.headerText))],
    ['3001 characters of section text', (m) => (m[1].text.text = over(LIMITS.sectionText))],
    ['a 2001-character field', (m) => (m[1].fields[0].text = over(LIMITS.fieldText))],
    ['11 fields', (m) => (m[1].fields = Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })))],
    ['a 76-character button', (m) => (m[2].elements[0].text.text = over(LIMITS.buttonText))],
    ['26 elements in an actions block', (m) => (m[2].elements = Array.from({ length: 26 }, (_, i) => ({ type: 'button', action_id: `b${i}`, text: { type: 'plain_text', text: 'B' } })))],
    ['a 256-character action_id', (m) => (m[2].elements[0].action_id = over(LIMITS.id))],
    ['a 256-character block_id', (m) => (m[1].block_id = over(LIMITS.id))],
    ['an action_id used in two blocks', (m) => (m[3].accessory.action_id = 'go')],
    ['a block_id used twice', (m) => (m[3].block_id = 'a')],
    ['empty text', (m) => (m[1].text.text = '')],
    ['half an emoji', (m) => (m[0].text.text = '🔥🔥'.slice(0, 3))],
    ['an unknown property', (m) => (m[5].colour = 'red')],
    ['an unknown block type', (m) => m.push({ type: 'marquee', text: 'hi' })],
  ])('refuses a message with %s', (_what, mutate) => {
    const m = validMessage();
    mutate(m);
    expect(limitProblems(messageBlocksSchema, m)).not.toEqual([]);
  });

  it.each<[string, (v: any) => void]>([
    ['a 25-character title', (v) => (v.title.text = over(LIMITS.modalTitle))],
    ['a 25-character submit', (v) => (v.submit.text = over(LIMITS.modalTitle))],
    ['a 25-character close', (v) => (v.close = { type: 'plain_text', text: over(LIMITS.modalTitle) })],
    ['101 blocks', (v) => v.blocks.push(...Array.from({ length: 101 - v.blocks.length }, () => ({ type: 'divider' })))],
    ['a 76-character option', (v) => (v.blocks[0].element.options[0].text.text = over(LIMITS.optionText))],
    ['a 76-character option description', (v) => (v.blocks[0].element.options[0].description.text = over(LIMITS.optionText))],
    ['11 options', (v) => (v.blocks[0].element.options = Array.from({ length: 11 }, (_, i) => ({ text: { type: 'plain_text', text: `${i}` }, value: `${i}` })))],
    ['3001 characters of private_metadata', (v) => (v.private_metadata = over(LIMITS.privateMetadata))],
    ['an initial value longer than its max_length', (v) => (v.blocks[1].element.initial_value = 'x'.repeat(11))],
    ['input blocks but no submit button', (v) => delete v.submit],
    ['a block_id used twice', (v) => (v.blocks[1].block_id = 'pick')],
  ])('refuses a modal with %s', (_what, mutate) => {
    const v = validModal();
    mutate(v);
    expect(limitProblems(modalViewSchema, v)).not.toEqual([]);
  });
});

describe('headerBlocks (the pinned incident header)', () => {
  it.each(['none', 'some', 'all'] as const)(
    'stays within Slack\'s limits for the largest incident the core accepts, with %s of the roles filled',
    async (filled) => {
      const blocks = headerBlocks(headerView(content, await largestIncident(filled), { now: NOW }));
      expect(limitProblems(messageBlocksSchema, blocks)).toEqual([]);
    },
  );

  it('stays within Slack\'s limits whatever length the view\'s texts have', () => {
    const long = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}-${'z'.repeat(300)}`);
    const v = baseView({
      title: words(5000),
      severityDefinition: words(5000, 'definition '),
      areas: long(20),
      tenants: long(200),
      channels: long(200),
      environments: long(200),
      roles: ROLES.map((role) => ({ role, name: model.roles[role].name, userId: null, required: true })),
    });
    expect(limitProblems(messageBlocksSchema, headerBlocks(v))).toEqual([]);
  });

  it('never cuts an emoji in half when it shortens the title', () => {
    for (let n = 140; n <= 152; n++) {
      const v = baseView({ title: `${'x'.repeat(n - 2)}${'🔥'.repeat(10)}` });
      expect(limitProblems(messageBlocksSchema, headerBlocks(v))).toEqual([]);
    }
  });

  it('shows each required role with its holder, or unfilled with a "Take role" button for that role and incident', async () => {
    const s = await largestIncident('some');
    const v = headerView(content, s, { now: NOW });
    const blocks = asBlocks(headerBlocks(v));
    const roleBlocks = blocks.filter((b) => b.block_id?.startsWith('role:'));
    expect(roleBlocks.map((b) => b.block_id)).toEqual(ROLES.map((r) => `role:${r}`));
    for (const b of roleBlocks) {
      const role = b.block_id!.slice('role:'.length) as Role;
      const holder = s.holders.find((h) => h.role === role)?.userId;
      expect(b.text!.text).toContain(model.roles[role].name);
      if (holder) {
        expect(b.text!.text).toContain(`<@${holder}>`);
        expect(b.accessory).toBeUndefined();
      } else {
        expect(b.text!.text).toContain('unfilled');
        expect(b.accessory).toMatchObject({ type: 'button', action_id: `${TAKE_ROLE_ACTION}:${role}`, value: s.incident.id });
        expect((b.accessory!.text as { text: string }).text).toBe('Take role');
      }
    }
  });

  it('lists only the required roles, plus any other role someone holds, marked optional', () => {
    const blocks = asBlocks(
      headerBlocks(
        baseView({
          roles: [
            { role: 'ic', name: 'Incident Commander', userId: 'U_IC', required: true },
            { role: 'ops', name: 'Operations Lead', userId: null, required: true },
            { role: 'konnaxion', name: 'Konnaxion Lead', userId: null, required: true },
            { role: 'sec', name: 'Security Lead', userId: 'U_SEC', required: false },
          ],
        }),
      ),
    );
    const lines = blocks.filter((b) => b.block_id?.startsWith('role:')).map((b) => b.text!.text);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/Security Lead.*optional.*<@U_SEC>/);
    expect(lines.slice(0, 3).join('\n')).not.toMatch(/optional/);
  });

  it('shows the severity with its runbook definition, the status, the areas and the scope', () => {
    const text = allText(
      asBlocks(
        headerBlocks(
          baseView({ severity: 'SEV0', severityDefinition: model.severities.SEV0, areas: ['Trust roots / keys'], integrityUncertain: true, tenants: ['acme', 'globex'] }),
        ),
      ),
    );
    expect(text).toContain(`SEV0: ${model.severities.SEV0}`);
    expect(text).toContain('investigating');
    expect(text).toContain('Trust roots / keys');
    expect(text).toContain('acme, globex');
    expect(text).toMatch(/uncertain\*\\nYes/);
  });

  it('escapes scope text a user typed, so it cannot mention or link', () => {
    const text = allText(asBlocks(headerBlocks(baseView({ tenants: ['<!channel>', 'a&b'] }))));
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('a&amp;b');
  });
});

describe('the header follows the status and stays within limits as the incident grows', () => {
  const buttons = (v: HeaderView) =>
    asBlocks(headerBlocks(v))
      .flatMap((b) => [b.accessory?.action_id, ...((b as { elements?: { action_id?: string }[] }).elements ?? []).map((e) => e.action_id)])
      .filter((id): id is string => typeof id === 'string');
  const FORCE = Array.from({ length: 25 }, (_, i) => ({ requestId: `req-${i}`, text: [`#${i} ${words(400)}`], lift: words(90), control: 'lift' as const }));

  it('with every checklist attached, 25 freezes in force and every role: under 50 blocks, the first freezes shown with Lift and the rest counted', async () => {
    const s = await largestIncident('none');
    const all = [content.runbook.triage, ...content.runbook.playbooks, content.runbook.recovery];
    const state: IncidentState = { ...s, checklists: all.map((c) => ({ checklistId: c.id, messageIds: [] })), incident: { ...s.incident, orgoCaseUrl: `https://orgo.example/${'x'.repeat(2500)}|<b>` } };
    const v = headerView(content, state, { now: NOW, inForce: FORCE });
    expect(v.checklists.map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(v.playbooks).toHaveLength(content.runbook.playbooks.length);
    const blocks = asBlocks(headerBlocks(v));
    expect(limitProblems(messageBlocksSchema, blocks)).toEqual([]);
    expect(blocks.filter((b) => b.block_id?.startsWith('force:req-'))).toHaveLength(IN_FORCE_SHOWN);
    expect(allText(blocks)).toContain(`${FORCE.length - IN_FORCE_SHOWN} more in force`);
  });

  it('counts checklist progress from the stored steps, and the elapsed time from the declaration to now', async () => {
    const s = await largestIncident('none');
    const [first, second] = content.runbook.triage.sections[0]!.items;
    const state: IncidentState = { ...s, items: { [first!.id]: { status: 'done', by: 'U1', at: NOW }, [second!.id]: { status: 'na', by: 'U1', at: NOW } } };
    const v = headerView(content, state, { now: new Date(s.incident.declaredAt.getTime() + 83 * 60_000) });
    const total = content.runbook.triage.sections.flatMap((x) => x.items).length;
    expect(v.checklists).toEqual([{ id: 'triage', kind: 'triage', ref: '5', title: content.runbook.triage.title, settled: 2, total, label: `2/${total}` }]);
    expect(v.elapsed).toEqual({ ms: 83 * 60_000, label: '1 h 23 min', running: true });
    expect(allText(asBlocks(headerBlocks(v)))).toContain(`§5 ${content.runbook.triage.title}: 2/${total}`);
  });

  it('resolved: no Post update, the elapsed time stops at resolution, no update is due; closed: no buttons at all', async () => {
    const s = await largestIncident('some');
    const resolvedAt = new Date(s.incident.declaredAt.getTime() + 47 * 60_000);
    const resolved = headerView(content, { ...s, incident: { ...s.incident, status: 'resolved', resolvedAt } }, { now: new Date(resolvedAt.getTime() + 5 * 3_600_000), inForce: FORCE.slice(0, 1) });
    expect(resolved.statusLabel).toBe('resolved after 47 min');
    expect(resolved.elapsed).toMatchObject({ ms: 47 * 60_000, running: false });
    expect(resolved.nextUpdateDueAt).toBeNull();
    expect(buttons(resolved)).not.toContain('open_update');
    expect(buttons(resolved)).toContain('lift_action:req-0');
    expect(buttons(resolved).some((b) => b.startsWith(`${TAKE_ROLE_ACTION}:`))).toBe(true);

    const closed = headerView(content, { ...s, incident: { ...s.incident, status: 'closed', resolvedAt } }, { now: NOW, inForce: FORCE.slice(0, 1) });
    expect(closed.statusLabel).toBe('closed (resolved after 47 min)');
    expect(buttons(closed)).toEqual([]);
    expect(allText(asBlocks(headerBlocks(closed)))).toContain('Closed: the postmortem packet is complete.');
  });

  it('an open incident with a past due time says the update is overdue', async () => {
    const s = await largestIncident('none');
    const due = s.jobs.find((j) => j.kind === 'update.reminder')!.dueAt;
    const v = headerView(content, s, { now: new Date(due.getTime() + 60_000) });
    expect(v.updateOverdue).toBe(true);
    expect(allText(asBlocks(headerBlocks(v)))).toContain('overdue');
    expect(buttons(v)).toContain('open_update');
  });
});

describe('declareModal (the /incident declare form)', () => {
  const modal = (title: string) => declareModal(declareFormView(model, loadContent().runbook, title), 'U_DECLARER', { origin: 'C_GENERAL' });

  it.each([
    ['no title', ''],
    ['a typical title', 'Bad pack activated on stable'],
    ['a title typed far past the limit', words(2000)],
  ])('stays within Slack\'s limits with %s', (_what, title) => {
    expect(limitProblems(modalViewSchema, modal(title))).toEqual([]);
  });

  it('names its inputs after the core\'s fields, so a core error lands beside its field', () => {
    const blockIds = modal('x').blocks.flatMap((b) => (b.type === 'input' ? [b.block_id] : []));
    expect(blockIds).toEqual(['title', 'severity', 'symptom', 'areas', 'tenants', 'channels', 'environments', 'integrityUncertain', 'commander']);
  });

  it('offers every severity, SEV0 to SEV4, each with its runbook definition in full', () => {
    const v = modal('x');
    const severity = v.blocks.find((b) => b.block_id === 'severity') as { element: { options: { value: string }[] } };
    expect(severity.element.options.map((o) => o.value)).toEqual(['SEV0', 'SEV1', 'SEV2', 'SEV3', 'SEV4']);
    const text = JSON.stringify(v.blocks);
    for (const definition of Object.values(model.severities)) expect(text).toContain(definition);
  });

  it('offers every affected area of runbook §1, and shows the §4 floor', () => {
    const v = modal('x');
    const areas = v.blocks.find((b) => b.block_id === 'areas') as { element: { options: { value: Area }[] } };
    expect(areas.element.options.map((o) => o.value)).toEqual([...AREAS]);
    expect(JSON.stringify(v.blocks)).toContain(model.escalation.reason);
  });

  it('prefills the title that was typed with the command, and the declarer as IC', () => {
    const v = modal('Signing key exposed');
    const title = v.blocks.find((b) => b.block_id === 'title') as { element: { initial_value?: string } };
    expect(title.element.initial_value).toBe('Signing key exposed');
    const commander = v.blocks.find((b) => b.block_id === 'commander') as { element: { initial_user?: string } };
    expect(commander.element.initial_user).toBe('U_DECLARER');
    expect(JSON.parse(v.private_metadata!)).toEqual({ origin: 'C_GENERAL' });
  });
});
