// The console renderer: every chat view as HTML a person reads and clicks, with anything a person typed
// escaped, every button naming what it does, and rich text turned into names, links and commands.
import { describe, expect, it } from 'vitest';
import type { ChatView } from '../../src/app/chat-port.js';
import type { ItemState } from '../../src/core/checklists/state.js';
import { loadRunbook } from '../../src/core/runbook/checklists.js';
import { loadIncidentModel } from '../../src/core/runbook/loader.js';
import { checklistView, roleNamesOf } from '../../src/core/views/checklist.js';
import { playbookLines } from '../../src/core/views/playbooks.js';
import { loadActionCatalog } from '../../src/core/actions/catalog.js';
import type { HeaderView } from '../../src/core/views/incident.js';
import { command, link, t, user } from '../../src/core/views/rich-text.js';
import { personName } from '../../src/surfaces/console/people.js';
import { html } from '../../src/surfaces/console/render/html.js';
import { viewHtml } from '../../src/surfaces/console/render/messages.js';
import { rich, type Names } from '../../src/surfaces/console/render/rich.js';

const names: Names = { person: personName, room: (id) => (id === 'inc-1' ? 'inc-1-bad-pack' : id) };
const render = (v: ChatView) => viewHtml(v, names).value;
const INCIDENT = '6f1c2a4e-8d2b-4c1a-9e3f-0a1b2c3d4e5f';
const EVIL = '<img src=x onerror=alert(1)> & "quotes"';
const T0 = new Date('2026-01-01T12:03:00.000Z');

/** The buttons of a rendering: what each does and with which arguments. */
function buttons(markup: string) {
  return [...markup.matchAll(/<button[^>]*data-(act|form)="([^"]+)" data-args="([^"]*)"[^>]*>([^<]*)<\/button>/g)].map((m) => ({
    kind: m[1],
    name: m[2],
    args: JSON.parse(m[3]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Record<string, string>,
    label: m[4],
  }));
}

const header = (over: Partial<HeaderView> = {}): HeaderView => ({
  incidentId: INCIDENT,
  number: 1,
  title: EVIL,
  severity: 'SEV1',
  severityDefinition: 'Major impact',
  status: 'investigating',
  statusLabel: 'investigating',
  statusNote: 'Updates are due on the cadence.',
  areas: ['Rendering'],
  tenants: ['acme'],
  channels: [],
  environments: ['prod-eu'],
  integrityUncertain: false,
  roles: [
    { role: 'ic', name: 'Incident Commander', userId: 'ic', required: true },
    { role: 'ops', name: 'Ops lead', userId: null, required: true },
  ],
  declaredBy: 'ic',
  declaredAt: T0,
  asOf: T0,
  elapsed: { ms: 0, label: '0 min', running: true },
  checklists: [],
  playbooks: [],
  orgoCaseUrl: null,
  lastUpdateAt: null,
  nextUpdateDueAt: new Date('2026-01-01T12:33:00.000Z'),
  updateOverdue: false,
  inForce: [{ requestId: 'r1', text: t`Freeze stable`, lift: 'Lift the freeze', control: 'lift' }],
  offers: { postUpdate: true, takeRole: true, lift: true },
  ...over,
});

describe('rich text', () => {
  it('escapes text, names people and rooms, links only web links and shows commands as typed', () => {
    const out = rich(t`${EVIL} ${user('ops')} in ${{ room: 'inc-1' }} ${link('https://orgo.example/case/1', 'the case')} ${link('javascript:alert(1)')} ${command('case', '<link>')}`, names).value;
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(out).toContain('@Ops');
    expect(out).toContain('#inc-1-bad-pack');
    expect(out).toContain('<a href="https://orgo.example/case/1" target="_blank" rel="noopener noreferrer">the case</a>');
    expect(out).not.toContain('href="javascript:');
    expect(out).toContain('data-command="/incident case &lt;link&gt;"');
  });

  it('leaves Html alone and escapes everything else interpolated', () => {
    expect(html`<b>${'<i>'}</b>${html`<br>`}`.value).toBe('<b>&lt;i&gt;</b><br>');
  });
});

describe('the header', () => {
  it('shows the severity in its colour, the escaped title, the next update, Take role where a role is empty and Lift for what is in force', () => {
    const out = render({ kind: 'header', view: header() });
    expect(out).toContain('class="sev sev-sev1"');
    expect(out).not.toContain('<img');
    expect(out).toContain('2026-01-01 12:33 UTC');
    expect(buttons(out)).toEqual([
      { kind: 'act', name: 'take-role', args: { incidentId: INCIDENT, role: 'ops' }, label: 'Take role' },
      { kind: 'act', name: 'lift', args: { requestId: 'r1', incidentId: INCIDENT }, label: 'Lift the freeze' },
      { kind: 'form', name: 'update', args: { incidentId: INCIDENT }, label: 'Post update' },
    ]);
  });
});

describe('a checklist', () => {
  const runbook = loadRunbook();
  const model = loadIncidentModel();
  const triage = runbook.triage;
  const [first, second] = triage.sections.flatMap((s) => s.items);
  const states = new Map<string, ItemState>([[first!.id, { status: 'skipped', by: 'guest', at: T0, reason: EVIL }]]);
  const view = checklistView(triage, states, [{ role: 'ic', userId: 'ic' }], roleNamesOf(model));
  const out = render({ kind: 'checklist', incidentId: INCIDENT, view });

  it('shows its progress as a count and a bar', () => {
    expect(out).toContain(`${view.progress} settled`);
    expect(out).toMatch(new RegExp(`aria-valuenow="1"[^>]*>\\s*<div class="progress-fill" style="width: ${Math.round((1 / view.total) * 100)}%"`));
  });

  it('offers Undo on a settled step, with who settled it and the escaped reason', () => {
    const settled = out.slice(out.indexOf(`data-item="${first!.id}"`), out.indexOf(`data-item="${second!.id}"`));
    expect(settled).toContain('Skipped by <span class="mention" data-user="guest">@Someone with no role</span> at 2026-01-01 12:03 UTC');
    expect(settled).not.toContain('<img');
    expect(buttons(settled).map((b) => `${b.name}:${b.args.verb ?? ''}`)).toEqual(['step:undo']);
  });

  it('offers Done and Skip on an open step, each naming the step', () => {
    const open = out.slice(out.indexOf(`data-item="${second!.id}"`));
    expect(buttons(open).slice(0, 2)).toEqual([
      { kind: 'act', name: 'step', args: { incidentId: INCIDENT, itemId: second!.id, verb: 'done' }, label: 'Done' },
      { kind: 'form', name: 'skip', args: { incidentId: INCIDENT, itemId: second!.id }, label: 'Skip' },
    ]);
  });

  it('offers Run on a playbook step that is a containment action', () => {
    const playbook = runbook.playbooks.find((p) => p.sections.some((s) => s.items.some((i) => i.action)))!;
    const item = playbook.sections.flatMap((s) => s.items).find((i) => i.action)!;
    const pv = checklistView(playbook, new Map(), [], roleNamesOf(model));
    const run = buttons(render({ kind: 'checklist', incidentId: INCIDENT, view: pv })).filter((b) => b.name === 'action');
    expect(run).toContainEqual({ kind: 'form', name: 'action', args: { incidentId: INCIDENT, actionId: item.action! }, label: 'Run' });
  });
});

describe('the other views', () => {
  const request = { id: 'r1', seq: 1, actionId: 'freeze', params: {}, status: 'awaiting_approval' as const, requestedBy: 'ops', requestedAt: T0, overrideReason: null, approvedBy: null, approvedAt: null, outcomeDetail: null, outcomeAt: null, liftedBy: null, liftedAt: null, liftStatus: null, liftRequestedBy: null, liftRequestedAt: null, liftApprovedBy: null, liftDetail: null };
  const line = { request, action: { id: 'freeze', title: 'Freeze stable' }, text: t`Freeze stable (requested by ${user('ops')})` };

  it('asks for an update with Post update and Snooze, and escalates in red', () => {
    const view: ChatView = { kind: 'reminder', view: { kind: 'update', incidentId: INCIDENT, number: 1, title: 'x', severity: 'SEV1', mention: 'ic', missed: 2, escalate: true, lastUpdateAt: null, fields: ['what changed'] } };
    const out = render(view);
    expect(out).toContain('reminder escalated');
    expect(out).toContain('@IC');
    expect(out).toContain('This is reminder 2 in a row.');
    expect(buttons(out).map((b) => `${b.kind}:${b.name}`)).toEqual(['form:update', 'act:snooze']);
  });

  it('offers Raise for the severity a playbook asks for and each above it, and none once settled', () => {
    const raise = (done: boolean): ChatView => ({ kind: 'raise', incidentId: INCIDENT, number: 1, playbook: '6.7', severity: 'SEV1', when: 'compromise', current: 'SEV3', done });
    expect(buttons(render(raise(false))).map((b) => b.label)).toEqual(['Raise to SEV1', 'Raise to SEV0']);
    expect(buttons(render(raise(true)))).toEqual([]);
  });

  it('offers Approve to the second person, Done and Failed to whoever does a manual action, Retry on a failed set-up', () => {
    expect(buttons(render({ kind: 'action-requested', line, approvers: ['ic'] }))).toEqual([{ kind: 'act', name: 'approve', args: { requestId: 'r1' }, label: 'Approve' }]);
    expect(render({ kind: 'action-requested', line, approvers: null })).toContain('Approved and running');
    expect(buttons(render({ kind: 'action-confirm', line, instructions: t`Freeze it by hand.` })).map((b) => `${b.label}:${b.args.outcome}`)).toEqual(['Done:done', 'Failed:failed']);
    const report = render({ kind: 'setup-report', incidentId: INCIDENT, number: 1, problems: [{ step: 'header.post', detail: EVIL, byHand: t`Run ${command('status')}.` }], retry: true });
    expect(report).not.toContain('<img');
    expect(buttons(report)).toEqual([{ kind: 'act', name: 'retry', args: { incidentId: INCIDENT }, label: 'Retry' }]);
  });

  it('lists actions with Approve, Lift and Run, and playbooks with Attach for those not attached', () => {
    const freeze = loadActionCatalog().actions.find((a) => a.id === 'rollback-to-lkg')!;
    const actions = render({ kind: 'actions', catalog: [freeze], awaiting: [line], inForce: [{ ...line, lift: 'Lift the freeze', liftFailed: true, control: 'lift' }] });
    expect(buttons(actions).map((b) => `${b.name}:${b.label}`)).toEqual(['approve:Approve', 'lift:Lift the freeze', 'action:Run']);
    expect(actions).toContain('(§6.1) · destructive');
    expect(actions).toContain('the last lift failed');
    const lines = playbookLines(loadRunbook(), [loadRunbook().playbooks[0]!.id]);
    const list = render({ kind: 'playbooks', incidentId: INCIDENT, playbooks: lines.slice(0, 2) });
    const b = lines[1]!;
    expect(buttons(list)).toEqual([{ kind: 'act', name: 'attach', args: { incidentId: INCIDENT, playbookId: b!.id }, label: 'Attach' }]);
  });

  it('announces a declaration with a link to its room', () => {
    const out = render({ kind: 'announcement', view: header({ title: 'Bad pack' }), roomId: 'inc-1' });
    expect(out).toContain('Incident #1 declared: <strong>Bad pack</strong>');
    expect(out).toContain('href="?room=inc-1"');
  });
});
