// Every view the application layer posts, as the Adaptive Cards Teams receives: valid 1.5 cards
// (parsed and validated by the adaptivecards package), mentions declared as entities, buttons as
// Universal Actions, and each message within Teams' size limit.
import { describe, expect, it } from 'vitest';
import type { ChatView } from '../../src/app/chat-port.js';
import type { ItemState, RoleHolderRef } from '../../src/core/checklists/state.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { allChecklists } from '../../src/core/runbook/checklists.js';
import { checklistView, roleNamesOf } from '../../src/core/views/checklist.js';
import { declareFormView, type HeaderView } from '../../src/core/views/incident.js';
import { playbookLines } from '../../src/core/views/playbooks.js';
import { code, command, link, room, strong, t, user } from '../../src/core/views/rich-text.js';
import type { Card } from '../../src/surfaces/teams/cards/card.js';
import { MESSAGE_BYTES } from '../../src/surfaces/teams/cards/card.js';
import { renderView } from '../../src/surfaces/teams/cards/index.js';
import { actionForm, declareForm, dialog, externalForm, followupForm, formCard, postmortemForm, readForm, skipForm, updateForm, type Form } from '../../src/surfaces/teams/cards/forms.js';
import { cardProblems, walk } from '../support/adaptive-cards.js';

const content = loadContent();
const INCIDENT = '6f1c2a4e-8d2b-4c1a-9e3f-0a1b2c3d4e5f';
const T0 = new Date('2026-01-01T12:03:00.000Z');
const DANA = '29:1dana';
const SAM = '29:2sam';
const names: Record<string, string> = { [DANA]: 'Dana Scully', [SAM]: 'Sam Vimes' };
const r = { names: (id: string) => names[id] ?? 'someone' };
const ROOM = '19:abc@thread.tacv2;messageid=1700000000001';

const header: HeaderView = {
  incidentId: INCIDENT,
  number: 7,
  title: 'Signed bundles *fail* <at>verification</at>',
  severity: 'SEV1',
  severityDefinition: 'Major impact',
  status: 'investigating',
  areas: ['Build pipeline'],
  tenants: ['acme'],
  channels: [],
  environments: ['prod-eu'],
  integrityUncertain: true,
  roles: [
    { role: 'ic', name: 'Incident Commander', userId: DANA, required: true },
    { role: 'ops', name: 'Ops lead', userId: null, required: true },
  ],
  declaredBy: SAM,
  declaredAt: T0,
  lastUpdateAt: null,
  nextUpdateDueAt: new Date('2026-01-01T12:33:00.000Z'),
  inForce: [{ requestId: 'r1', text: ['Release freeze on prod-eu'], lift: 'Lift the freeze', control: 'lift' }],
};

const holders: RoleHolderRef[] = [{ role: 'ic', userId: DANA }];
const checklist = (id: string, done: boolean) => {
  const c = allChecklists(content.runbook).find((x) => x.id === id)!;
  const states = new Map<string, ItemState>(
    done ? c.sections.flatMap((s) => s.items).map((i, n) => [i.id, n % 2 ? { status: 'done', by: DANA, at: T0 } : { status: 'skipped', by: SAM, at: T0, reason: 'x'.repeat(500) }]) : [],
  );
  return checklistView(c, states, holders, roleNamesOf(content.model));
};

const request = { id: 'r1', seq: 1, actionId: 'freeze', params: {}, status: 'awaiting_approval' as const, requestedBy: SAM, requestedAt: T0, overrideReason: null, approvedBy: null, approvedAt: null, outcomeDetail: null, outcomeAt: null, liftedBy: null, liftedAt: null, liftStatus: null, liftRequestedBy: null, liftRequestedAt: null, liftApprovedBy: null, liftDetail: null };
const line = { request, action: { id: 'freeze', title: 'Release freeze' }, text: t`${strong('Release freeze')} on prod-eu, requested by ${user(SAM)}` };

const views: [string, ChatView][] = [
  ['text', { kind: 'text', text: t`Only ${user(DANA)} can resolve. Record the case with ${command('case', '<link>')} in ${room(ROOM)}; see ${link('https://runbook.example.com/8', 'runbook §8')} or ${code('x')}.` }],
  ['header', { kind: 'header', view: header }],
  ['checklist (open)', { kind: 'checklist', incidentId: INCIDENT, view: checklist('triage', false) }],
  ['checklist (settled)', { kind: 'checklist', incidentId: INCIDENT, view: checklist('recovery', true) }],
  ['retired', { kind: 'retired', title: 'Triage checklist' }],
  ['update', { kind: 'update', view: { number: 7, title: 'x', severity: 'SEV1', author: DANA, at: T0, nextDueAt: null, changed: 'Rolled back', impact: 'acme', mitigation: 'rollback', mitigationDetail: 'to 4.2', nextActions: 'Verify', owner: SAM } }],
  ['reminder (update)', { kind: 'reminder', view: { kind: 'update', incidentId: INCIDENT, number: 7, title: 'x', severity: 'SEV1', mention: DANA, missed: 2, escalate: true, lastUpdateAt: null, fields: ['what changed', 'impact'] } }],
  ['reminder (triage)', { kind: 'reminder', view: { kind: 'triage', incidentId: INCIDENT, number: 7, title: 'x', mention: DANA, openSteps: ['Snapshot the evidence'] } }],
  ['reminder (postmortem)', { kind: 'reminder', view: { kind: 'postmortem', incidentId: INCIDENT, number: 7, title: 'x', mention: DANA, hours: 48, overdue: false, missing: ['root cause'] } }],
  ['reminder (followup)', { kind: 'reminder', view: { kind: 'followup', incidentId: INCIDENT, number: 7, title: 'x', mention: DANA, seq: 2, action: 'Pin the mirror' } }],
  ['escalation', { kind: 'escalation', roomId: ROOM, view: { kind: 'escalation', incidentId: INCIDENT, number: 7, title: 'x', severity: 'SEV1', mention: DANA, missed: 3 } }],
  ['raise', { kind: 'raise', incidentId: INCIDENT, number: 7, playbook: '6.7 Security compromise', severity: 'SEV1', when: 'Tampering suspected', current: 'SEV3', done: false }],
  ['playbooks', { kind: 'playbooks', incidentId: INCIDENT, playbooks: playbookLines(content.runbook, [content.runbook.playbooks[0]!.id]) }],
  ['actions', { kind: 'actions', catalog: content.actions.actions, awaiting: [line], inForce: [{ ...line, lift: 'Lift the freeze', liftFailed: true, control: 'lift' }, { ...line, lift: 'Approve the lift', liftFailed: false, control: 'approve-lift' }, { ...line, lift: 'Lift', liftFailed: false, control: 'none' }] }],
  ['action-requested', { kind: 'action-requested', line, approvers: [DANA] }],
  ['action-confirm', { kind: 'action-confirm', line, instructions: t`Freeze releases by hand, then press ${strong('Done')}.` }],
  ['announcement', { kind: 'announcement', view: header, roomId: ROOM }],
  ['setup-report', { kind: 'setup-report', incidentId: INCIDENT, number: 7, retry: true, problems: [{ step: 'channel.create', detail: 'Graph refused', byHand: t`Ask a team owner to grant ${strong('Channel.Create.Group')}.` }] }],
];

const texts = (c: Card) => walk(c.body).filter((o) => o.type === 'TextBlock').map((o) => o.text as string);
const actions = (c: Card) => walk(c).filter((o) => typeof o.type === 'string' && (o.type as string).startsWith('Action.'));

describe('Teams cards: every view', () => {
  it('the checker itself flags what a host would refuse', () => {
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Marquee' }] }).length).toBeGreaterThan(0);
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [], actions: [{ type: 'Action.OpenUrl', title: 'x' }] }).length).toBeGreaterThan(0);
  });

  it.each(views)('%s: valid Adaptive Card 1.5 messages, each under the size limit', (_name, view) => {
    const cards = renderView(view, r);
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) {
      expect(c.version).toBe('1.5');
      expect(cardProblems(c)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThan(MESSAGE_BYTES);
    }
  });

  it.each(views)('%s: every <at> mention has its entity, and buttons are Universal Actions or open a dialog', (_name, view) => {
    for (const c of renderView(view, r)) {
      const ats = texts(c).flatMap((s) => s.match(/<at>[^<]*<\/at>/g) ?? []);
      const entities = c.msteams.entities ?? [];
      for (const at of ats) expect(entities.map((e) => e.text)).toContain(at);
      for (const a of actions(c)) {
        if (a.type === 'Action.Execute') expect(a.verb).toMatch(/^[a-z]+\.[a-z]+$/);
        else expect(a).toMatchObject({ type: 'Action.Submit', data: { msteams: { type: 'task/fetch' } } });
      }
    }
  });
});

describe('Teams cards: what a responder sees', () => {
  it('renders rich text: mentions by name, commands as @Incident, links and rooms as links', () => {
    const [c] = renderView(views[0]![1], r);
    const text = texts(c!)[0]!;
    expect(text).toContain('<at>Dana Scully</at>');
    expect(c!.msteams.entities).toEqual([{ type: 'mention', text: '<at>Dana Scully</at>', mentioned: { id: DANA, name: 'Dana Scully' } }]);
    expect(text).toContain('`@Incident case <link>`');
    expect(text).toContain('[runbook §8](https://runbook.example.com/8)');
    expect(text).toContain('https://teams.microsoft.com/l/message/');
    expect(text).not.toContain('/incident');
  });

  it('keeps user-written text from opening a mention of its own', () => {
    const [c] = renderView({ kind: 'header', view: header }, r);
    const title = texts(c!)[0]!;
    expect(title).not.toContain('<at>verification</at>');
    expect(c!.msteams.entities?.map((e) => e.mentioned.id).sort()).toEqual([DANA, SAM].sort());
  });

  it('offers Take role on an unfilled role and Lift on what is in force, naming the incident and the request', () => {
    const [c] = renderView({ kind: 'header', view: header }, r);
    expect(actions(c!)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ verb: 'role.take', data: { incidentId: INCIDENT, role: 'ops' } }),
        expect.objectContaining({ verb: 'action.lift', data: { incidentId: INCIDENT, requestId: 'r1' }, title: 'Lift the freeze' }),
      ]),
    );
    expect(actions(c!).filter((a) => a.verb === 'role.take')).toHaveLength(1);
  });

  it('offers Done and Skip on open steps, Undo on settled ones, each naming its step', () => {
    const open = renderView({ kind: 'checklist', incidentId: INCIDENT, view: checklist('triage', false) }, r).flatMap(actions);
    const first = checklist('triage', false).sections[0]!.items[0]!.id;
    expect(open).toEqual(expect.arrayContaining([expect.objectContaining({ verb: 'item.done', data: { incidentId: INCIDENT, itemId: first } })]));
    expect(open.filter((a) => a.verb === 'item.undo')).toHaveLength(0);
    const settled = renderView({ kind: 'checklist', incidentId: INCIDENT, view: checklist('recovery', true) }, r).flatMap(actions);
    expect(settled.filter((a) => a.verb === 'item.done')).toHaveLength(0);
    expect(settled.filter((a) => a.verb === 'item.undo').length).toBe(checklist('recovery', true).total);
  });

  it('splits every runbook checklist the same way whatever its state, losing no step', () => {
    for (const c of allChecklists(content.runbook)) {
      const open = renderView({ kind: 'checklist', incidentId: INCIDENT, view: checklist(c.id, false) }, r);
      const settled = renderView({ kind: 'checklist', incidentId: INCIDENT, view: checklist(c.id, true) }, r);
      expect(settled.length).toBe(open.length);
      const steps = (cards: Card[]) => cards.map((x) => walk(x).filter((o) => typeof o.id === 'string' && (o.id as string).startsWith('item-')).map((o) => o.id));
      expect(steps(settled)).toEqual(steps(open));
      expect(steps(open).flat()).toHaveLength(c.sections.flatMap((s) => s.items).length);
    }
  });

  it('offers Lift, Approve lift (when a second person must approve it) or nothing while a lift is under way', () => {
    const [c] = renderView(views.find(([n]) => n === 'actions')![1], r);
    const lifts = actions(c!).filter((a) => a.verb === 'action.lift' || a.verb === 'lift.approve');
    expect(lifts.map((a) => [a.verb, a.title])).toEqual([
      ['action.lift', 'Lift the freeze'],
      ['lift.approve', 'Approve the lift'],
    ]);
  });

  it('asks for approval with an Approve button naming only the request', () => {
    const [c] = renderView({ kind: 'action-requested', line, approvers: [DANA] }, r);
    expect(actions(c!)).toEqual([expect.objectContaining({ verb: 'action.approve', data: { requestId: 'r1' } })]);
    expect(texts(c!).join(' ')).toContain('<at>Dana Scully</at>');
  });

  it('offers Raise buttons only while the severity is below what the playbook calls for', () => {
    const [needed] = renderView(views.find(([n]) => n === 'raise')![1], r);
    expect(actions(needed!).map((a) => a.title)).toEqual(['Raise to SEV1', 'Raise to SEV0']);
    const [done] = renderView({ ...(views.find(([n]) => n === 'raise')![1] as Extract<ChatView, { kind: 'raise' }>), done: true }, r);
    expect(actions(done!)).toEqual([]);
  });
});

describe('Teams dialogs: the same fields as the Slack modals', () => {
  const self = { id: DANA, name: 'Dana Scully' };
  const action = content.actions.actions.find((a) => a.destructive) ?? content.actions.actions[0]!;
  const forms: [string, Form][] = [
    ['declare', declareForm(declareFormView(content.model, content.runbook, 'Bundles fail'), self, '19:ops@thread.tacv2')],
    ['update', updateForm(INCIDENT, content.cadence.mitigationOptions, self)],
    ['skip', skipForm(INCIDENT, 'triage-1', 'Snapshot the evidence')],
    ['action', actionForm(action, {}, INCIDENT)],
    ['postmortem', postmortemForm({ rootCauseTechnical: 'A stale mirror', rootCauseProcess: '', whatWorked: '', whatDidNot: '', rootCauseVerified: true })],
    ['followup', followupForm(self)],
    ['external', externalForm()],
  ];

  it.each(forms)('%s: a valid card, shown again with what was typed and the reason after a refusal', (_name, form) => {
    expect(cardProblems(formCard(form))).toEqual([]);
    const first = form.fields[0]!;
    const refused = formCard(form, { [first.id]: 'typed text' }, 'Severity SEV3 is below the floor');
    expect(cardProblems(refused)).toEqual([]);
    expect(JSON.stringify(refused)).toContain('typed text');
    expect(texts(refused)[0]).toContain('Severity SEV3 is below the floor');
    expect(dialog(form).task.value.card.content.actions).toEqual([expect.objectContaining({ type: 'Action.Submit', data: expect.objectContaining({ form: form.form }) })]);
  });

  it('declare asks for what the Slack modal asks, the commander starting at the declarer', () => {
    const [, form] = forms[0]!;
    expect(form.fields.map((f) => f.id)).toEqual(['title', 'severity', 'symptom', 'areas', 'tenants', 'channels', 'environments', 'integrityUncertain', 'commander']);
    expect(form.fields.find((f) => f.id === 'commander')).toMatchObject({ value: DANA, choices: [{ title: 'Dana Scully', value: DANA }] });
    expect(form.data).toEqual({ origin: '19:ops@thread.tacv2' });
  });

  it('reads a submission as trimmed strings, missing inputs as empty', () => {
    const [, form] = forms[2]!;
    expect(readForm(form, { reason: '  mirror is down ', na: 'yes', extra: 'x' })).toEqual({ reason: 'mirror is down', na: 'yes' });
    expect(readForm(form, {})).toEqual({ reason: '', na: '' });
  });
});
