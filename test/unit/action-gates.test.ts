// The gates of a containment action request, as a table: every combination of who requests (role), the
// §5.3 evidence steps (open / open with the IC's override / settled), the tenant named (impacted / other /
// several / none), the severity (SEV0..SEV3), the second person (the requester / the IC / the owning lead /
// another lead / in time or too late) and the action (destructive or not) is a row with its expected
// outcome, written from the rules of issue 5 rather than from the code.
import { describe, expect, it } from 'vitest';
import { evaluateApproval } from '../../src/core/actions/approval.js';
import { findAction, loadActionCatalog, type ActionEntry } from '../../src/core/actions/catalog.js';
import { evaluateRequest, RULE_LABEL, type Accepted, type GateRule, type ParamValue, type Refusal } from '../../src/core/actions/gates.js';
import type { ItemState } from '../../src/core/checklists/state.js';
import { ErrorCode } from '../../src/core/errors.js';
import type { Incident, IncidentState, Role, RoleHolder, Severity } from '../../src/core/incidents/model.js';
import { loadRunbook } from '../../src/core/runbook/checklists.js';
import { loadIncidentModel } from '../../src/core/runbook/loader.js';
import { roleNamesOf } from '../../src/core/views/checklist.js';

const runbook = loadRunbook();
const catalog = loadActionCatalog();
const roleNames = roleNamesOf(loadIncidentModel());
const T0 = new Date('2026-03-02T09:00:00.000Z');
const MIN = 60_000;

const IC = 'U_IC';
const OPS = 'U_OPS'; // holds ops, which owns both matrix actions
const SEC = 'U_SEC'; // holds sec, which owns neither
const NOBODY = 'U_NOBODY';

const action = (id: string): ActionEntry => {
  const a = findAction(catalog, id);
  if (!a) throw new Error(`no action ${id}`);
  return a;
};
const DESTRUCTIVE = action('rollback-to-lkg'); // roles ops, konnaxion
const HOLD = action('pause-auto-activation'); // roles ops, konnaxion; not destructive
const EVIDENCE = runbook.triage.sections.find((s) => s.id === 'preserve-evidence')!.items.map((i) => i.id);

const done = (by = OPS): ItemState => ({ status: 'done', by, at: T0 });

function state(opts: { severity?: Severity; tenants?: string[]; holders?: [Role, string][]; items?: Record<string, ItemState> } = {}): IncidentState {
  const holders: RoleHolder[] = (opts.holders ?? [['ic', IC], ['ops', OPS], ['sec', SEC]]).map(([role, userId]) => ({
    role,
    userId,
    assignedBy: IC,
    assignedAt: T0,
  }));
  // Only the fields the gates read matter; the rest of Incident belongs to other work.
  const incident = {
    id: '00000000-0000-4000-8000-000000000001',
    workspaceId: '00000000-0000-4000-8000-000000000002',
    number: 7,
    title: 'Bad pack activated on stable',
    severity: opts.severity ?? 'SEV1',
    status: 'investigating',
    tenants: opts.tenants ?? ['acme', 'globex'],
    channels: ['stable'],
    environments: ['prod'],
    declaredBy: IC,
    declaredAt: T0,
  } as Incident;
  // Cast for the same reason: the gates read incident, holders and items.
  return { incident, holders, checklists: [], items: opts.items ?? {}, jobs: [] } as unknown as IncidentState;
}

/** Every §5.3 snapshot done: the only way the evidence counts as preserved. */
const SETTLED: Record<string, ItemState> = Object.fromEntries(EVIDENCE.map((id): [string, ItemState] => [id, done()]));
/** All settled but the trust-root snapshot. */
const ONE_OPEN: Record<string, ItemState> = Object.fromEntries(Object.entries(SETTLED).filter(([id]) => id !== 'triage.snapshot-trust-roots'));

/** One sentence: ends with a full stop and has no other sentence end inside. */
function expectOneSentence(reason: string) {
  expect(reason).toMatch(/\.$/);
  expect(reason.slice(0, -1)).not.toMatch(/[.!?]\s/);
}

function expectRefused(r: { ok: boolean }, rule: GateRule): Refusal {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  const refusal = r as Refusal;
  expect(refusal.rule).toBe(rule);
  expect(refusal.reason.startsWith(`${RULE_LABEL[rule]}: `)).toBe(true);
  expectOneSentence(refusal.reason);
  return refusal;
}

// ---- the matrix ----------------------------------------------------------------------------------

const REQUESTERS = { ic: IC, 'owning lead': OPS, 'other lead': SEC, 'no role': NOBODY } as const;
type Requester = keyof typeof REQUESTERS;
const EVIDENCES = ['open', 'open + IC override', 'settled'] as const;
type Evidence = (typeof EVIDENCES)[number];
const TENANTS = { impacted: 'acme', other: 'initech', multiple: ['acme', 'globex'], missing: undefined } as const;
type Tenant = keyof typeof TENANTS;
const MATRIX_SEVERITIES: Severity[] = ['SEV0', 'SEV1', 'SEV2', 'SEV3'];
const APPROVERS = ['requester', 'ic', 'owning lead', 'other lead', 'expired'] as const;
type Approver = (typeof APPROVERS)[number];

type Row = { action: ActionEntry; requester: Requester; evidence: Evidence; tenant: Tenant; severity: Severity; approver: Approver };

type Expected =
  | { request: GateRule }
  | { request: 'ok'; override: boolean; needsApproval: false }
  | { request: 'ok'; override: boolean; needsApproval: true; approval: 'ok' | 'self' | 'not an owner' | 'expired' };

/** Issue 5 §2, rule by rule, in the order the gates apply them. */
function expected(row: Row): Expected {
  const requester = REQUESTERS[row.requester];
  if (requester !== IC && requester !== OPS) return { request: 'role' };
  if (row.tenant !== 'impacted') return { request: 'tenant' };
  let override = false;
  if (row.action.destructive && row.evidence !== 'settled') {
    if (row.evidence === 'open' || requester !== IC) return { request: 'evidence' };
    override = true;
  }
  const needsApproval = row.action.destructive && (row.severity === 'SEV0' || row.severity === 'SEV1');
  if (!needsApproval) return { request: 'ok', override, needsApproval: false };
  const approver = approverOf(row);
  const approval = approver === requester ? 'self' : approver !== IC && approver !== OPS ? 'not an owner' : row.approver === 'expired' ? 'expired' : 'ok';
  return { request: 'ok', override, needsApproval: true, approval };
}

function approverOf(row: Row): string {
  const requester = REQUESTERS[row.requester];
  switch (row.approver) {
    case 'requester':
      return requester;
    case 'ic':
      return IC;
    case 'owning lead':
      return OPS;
    case 'other lead':
      return SEC;
    case 'expired':
      return requester === IC ? OPS : IC; // a valid second person, too late
  }
}

const rows: Row[] = [];
for (const a of [DESTRUCTIVE, HOLD])
  for (const requester of Object.keys(REQUESTERS) as Requester[])
    for (const evidence of EVIDENCES)
      for (const tenant of Object.keys(TENANTS) as Tenant[])
        for (const severity of MATRIX_SEVERITIES)
          for (const approver of APPROVERS) rows.push({ action: a, requester, evidence, tenant, severity, approver });

const OVERRIDE_REASON = 'Bad pack is spreading to new consumers; the trust-root snapshot is running in parallel.';

function run(row: Row) {
  const requester = REQUESTERS[row.requester];
  const s = state({ severity: row.severity, items: row.evidence === 'settled' ? SETTLED : ONE_OPEN });
  const tenant: ParamValue | undefined = TENANTS[row.tenant] as ParamValue | undefined;
  const r = evaluateRequest({
    action: row.action,
    params: { tenant: tenant === undefined ? undefined : Array.isArray(tenant) ? [...tenant] : tenant, channel: ['stable'] },
    actor: requester,
    state: s,
    runbook,
    roleNames,
    ...(row.evidence === 'open + IC override' ? { override: { reason: OVERRIDE_REASON } } : {}),
  });
  return { s, r };
}

describe('gate matrix: role × evidence × tenant × severity × approval × destructive', () => {
  it('covers every combination, and every outcome occurs', () => {
    expect(rows).toHaveLength(2 * 4 * 3 * 4 * 4 * 5);
    const outcomes = new Set(rows.map((row) => {
      const e = expected(row);
      return e.request !== 'ok' ? e.request : e.needsApproval ? `approval ${e.approval}${e.override ? ' (override)' : ''}` : `ok${e.override ? ' (override)' : ''}`;
    }));
    expect([...outcomes].sort()).toEqual(
      [
        'role',
        'tenant',
        'evidence',
        'ok',
        'ok (override)',
        'approval ok',
        'approval ok (override)',
        'approval self',
        'approval self (override)',
        'approval not an owner',
        'approval not an owner (override)',
        'approval expired',
        'approval expired (override)',
      ].sort(),
    );
  });

  it.each(rows.map((row) => [`${row.action.id} | ${row.requester} | evidence ${row.evidence} | tenant ${row.tenant} | ${row.severity} | approver ${row.approver}`, row] as const))(
    '%s',
    (_name, row) => {
      const want = expected(row);
      const { s, r } = run(row);
      if (want.request !== 'ok') {
        const refusal = expectRefused(r, want.request);
        expect(refusal.code).toBe(want.request === 'tenant' && row.tenant === 'missing' ? ErrorCode.InvalidInput : ErrorCode.NotAllowed);
        if (want.request === 'evidence' && row.evidence === 'open') expect(refusal.reason).toContain('"Trust root set (per channel) + revocation state"');
        if (want.request === 'evidence' && row.evidence !== 'open') expect(refusal.reason).toContain('only the Incident Commander (<@U_IC>) may override');
        if (want.request === 'tenant' && row.tenant === 'other') expect(refusal.reason).toContain('"initech" is not an impacted tenant');
        if (want.request === 'tenant' && row.tenant === 'multiple') expect(refusal.reason).toContain('one request acts on one tenant');
        return;
      }
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const ok = r as Accepted;
      expect(ok.params).toEqual({ tenant: 'acme', channel: ['stable'] });
      expect(ok.needsApproval).toBe(want.needsApproval);
      if (want.override) expect(ok.override).toEqual({ by: IC, reason: OVERRIDE_REASON, openSteps: ['triage.snapshot-trust-roots'] });
      else expect(ok.override).toBeUndefined();
      if (!want.needsApproval) {
        expect(ok.approvers).toBeNull();
        return;
      }
      expect(ok.approvers!.candidates).not.toContain(REQUESTERS[row.requester]);
      expect(ok.approvers!.candidates.length).toBeGreaterThan(0);

      const approvedAt = new Date(T0.getTime() + (row.approver === 'expired' ? 15 : 3) * MIN);
      const a = evaluateApproval({
        request: { requestedBy: REQUESTERS[row.requester], requestedAt: T0, actionId: row.action.id },
        approver: approverOf(row),
        state: s,
        now: approvedAt,
        catalog,
        roleNames,
      });
      if (want.approval === 'ok') {
        expect(a).toMatchObject({ ok: true, approvedBy: approverOf(row), approvedAt });
        expect(ok.approvers!.candidates).toContain(approverOf(row));
        return;
      }
      const refusal = expectRefused(a, 'approval');
      expect(refusal.code).toBe(ErrorCode.NotAllowed);
      const says = { self: 'you requested', 'not an owner': 'may approve', expired: 'expired at 2026-03-02 09:15 UTC' }[want.approval];
      expect(refusal.reason).toContain(says);
    },
  );
});

// ---- the rules one by one, where the matrix does not reach ------------------------------------------

describe('tenant isolation', () => {
  const ask = (tenant: ParamValue | undefined, tenants?: string[]) =>
    evaluateRequest({ action: HOLD, params: { tenant, channel: 'stable' }, actor: OPS, state: state({ tenants: tenants ?? ['acme', 'globex'] }), runbook, roleNames });

  it.each([['*'], ['all'], ['ALL'], ['acme,globex'], ['acme globex'], ['acme;globex']])('"%s" names more than one tenant and is refused', (value) => {
    expect(expectRefused(ask(value), 'tenant').reason).toContain('one request acts on one tenant');
  });

  it('a one-element list is one tenant; surrounding blanks do not count', () => {
    expect(ask(['acme'])).toMatchObject({ ok: true, params: { tenant: 'acme' } });
    expect(ask('  globex ')).toMatchObject({ ok: true, params: { tenant: 'globex' } });
  });

  it('tenant names match exactly (no case folding into another tenant)', () => {
    expectRefused(ask('ACME'), 'tenant');
  });

  it('an incident with no impacted tenants cannot run a tenant-scoped action, and says how to proceed', () => {
    for (const tenant of ['acme', undefined]) {
      const r = expectRefused(ask(tenant, []), 'tenant');
      expect(r.reason).toContain("lists none, so add the impacted tenant to the incident's scope first");
    }
  });

  it('an action on shared infrastructure takes no tenant, and refuses one', () => {
    const block = action('block-publish');
    const s = state();
    expect(evaluateRequest({ action: block, params: { pipeline: 'orgo-main', until: 'producer-fixed' }, actor: OPS, state: s, runbook })).toMatchObject({ ok: true });
    const r = expectRefused(
      evaluateRequest({ action: block, params: { pipeline: 'orgo-main', until: 'producer-fixed', tenant: 'acme' }, actor: OPS, state: s, runbook }),
      'parameters',
    );
    expect(r.reason).toContain('has no parameter "tenant"');
  });
});

describe('parameters', () => {
  const isolate = action('isolate-tasks');
  const s = state({ holders: [['ic', IC], ['swarmcraft', 'U_SWARM']], items: SETTLED, severity: 'SEV2' });
  const ask = (params: Record<string, ParamValue | undefined>) => evaluateRequest({ action: isolate, params, actor: 'U_SWARM', state: s, runbook, roleNames });

  it('a valid request comes back trimmed, with lists for multiple parameters', () => {
    expect(ask({ tenant: 'acme', mode: 'cancel', taskType: ' publish-sync ' })).toMatchObject({ ok: true, params: { tenant: 'acme', mode: 'cancel', taskType: ['publish-sync'] } });
  });

  it.each([
    [{ tenant: 'acme', taskType: 'x' }, 'needs Isolate or cancel (mode)'],
    [{ tenant: 'acme', mode: 'delete', taskType: 'x' }, '"delete" is not a choice for Isolate or cancel (mode), so use one of isolate, cancel'],
    [{ tenant: 'acme', mode: ['isolate', 'cancel'], taskType: 'x' }, 'takes one value'],
    [{ tenant: 'acme', mode: 'cancel', taskType: 'x', force: 'yes' }, 'has no parameter "force"'],
    [{ tenant: 'acme', mode: 'cancel', taskType: 'a\nb' }, 'must be one line'],
  ])('%j is refused: %s', (params, says) => {
    const r = expectRefused(ask(params), 'parameters');
    expect(r.code).toBe(ErrorCode.InvalidInput);
    expect(r.reason).toContain(says);
  });
});

describe('evidence first', () => {
  const ask = (actor: string, override?: { reason: string }, items = ONE_OPEN) =>
    evaluateRequest({ action: DESTRUCTIVE, params: { tenant: 'acme', channel: 'stable' }, actor, state: state({ severity: 'SEV2', items }), runbook, roleNames, ...(override ? { override } : {}) });

  it('a step with no state at all is open: a fresh incident refuses destructive actions, listing the steps', () => {
    const r = expectRefused(ask(OPS, undefined, {}), 'evidence');
    expect(r.reason).toContain('7 evidence snapshot steps are still open ("Orgo Build Record + stage logs"');
    expect(r.reason).toContain('and 4 more');
    expect(r.reason).toContain('the Incident Commander may override with a written reason');
  });

  it('an override needs words', () => {
    const r = expectRefused(ask(IC, { reason: '   ' }), 'evidence');
    expect(r.code).toBe(ErrorCode.InvalidInput);
    expect(r.reason).toContain('needs a written reason');
  });

  it('only the IC may override; the refusal names the IC', () => {
    expect(expectRefused(ask(OPS, { reason: 'urgent' }), 'evidence').reason).toContain('only the Incident Commander (<@U_IC>) may override');
  });

  it('an override is recorded only when something was overridden', () => {
    const r = ask(IC, { reason: 'urgent' }, SETTLED);
    expect(r).toMatchObject({ ok: true });
    expect((r as Accepted).override).toBeUndefined();
  });

  it('an undone snapshot step is open again', () => {
    const items = { ...SETTLED, 'triage.snapshot-build-record': { status: 'open' } as ItemState };
    expect(expectRefused(ask(OPS, undefined, items), 'evidence').reason).toContain('"Orgo Build Record + stage logs"');
  });
});

describe('role', () => {
  it('the refusal names who may request, with their holders', () => {
    const r = expectRefused(
      evaluateRequest({ action: DESTRUCTIVE, params: { tenant: 'acme', channel: 'stable' }, actor: SEC, state: state({ items: SETTLED }), runbook, roleNames }),
      'role',
    );
    expect(r.reason).toBe(
      'Role rule (§3): only the Operations Lead (<@U_OPS>), the Konnaxion Lead (unfilled) or the Incident Commander (<@U_IC>) may request "Roll back to last-known-good pack", so ask one of them to run it.',
    );
  });
});

describe('approval', () => {
  it('at SEV1 a destructive request by the only role holder is refused: nobody could approve it', () => {
    const s = state({ holders: [['ic', IC], ['ops', IC]], items: SETTLED });
    const r = expectRefused(evaluateRequest({ action: DESTRUCTIVE, params: { tenant: 'acme', channel: 'stable' }, actor: IC, state: s, runbook, roleNames }), 'approval');
    expect(r.reason).toContain('nobody but you holds those roles, so assign one and request again');
  });

  it('approvers are the IC and the owning leads, never the requester', () => {
    const s = state({ holders: [['ic', IC], ['ops', OPS], ['konnaxion', 'U_KNX'], ['sec', SEC]], items: SETTLED });
    const r = evaluateRequest({ action: DESTRUCTIVE, params: { tenant: 'acme', channel: 'stable' }, actor: OPS, state: s, runbook, roleNames });
    expect(r).toMatchObject({ ok: true, needsApproval: true, approvers: { rule: { secondPersonAtOrAbove: 'SEV1' }, roles: ['ic', 'ops', 'konnaxion'], candidates: [IC, 'U_KNX'] } });
    const approve = (approver: string) =>
      evaluateApproval({ request: { requestedBy: OPS, requestedAt: T0, actionId: DESTRUCTIVE.id }, approver, state: s, now: T0, catalog });
    expect(approve('U_KNX')).toMatchObject({ ok: true, asRole: 'konnaxion' });
  });

  it('approvals expire at the configured time, not a moment before', () => {
    const s = state();
    const approve = (afterMs: number, expiryMs?: number) =>
      evaluateApproval({
        request: { requestedBy: OPS, requestedAt: T0, actionId: DESTRUCTIVE.id },
        approver: IC,
        state: s,
        now: new Date(T0.getTime() + afterMs),
        catalog,
        ...(expiryMs !== undefined ? { expiryMs } : {}),
      });
    expect(approve(15 * MIN - 1).ok).toBe(true);
    expect(expectRefused(approve(15 * MIN), 'approval').reason).toContain('approvals last 15 minutes');
    expect(approve(4 * MIN, 5 * MIN).ok).toBe(true);
    expect(expectRefused(approve(5 * MIN, 5 * MIN), 'approval').reason).toContain('approvals last 5 minutes');
  });

  it('someone who lost the role since the request may no longer approve', () => {
    const s = state({ holders: [['ic', 'U_NEW_IC'], ['ops', OPS]] });
    const r = evaluateApproval({ request: { requestedBy: OPS, requestedAt: T0, actionId: DESTRUCTIVE.id }, approver: IC, state: s, now: T0, catalog, roleNames });
    expect(expectRefused(r, 'approval').reason).toContain('the Incident Commander (<@U_NEW_IC>)');
  });

  it('an unknown action id in an approval payload is refused', () => {
    const r = evaluateApproval({ request: { requestedBy: OPS, requestedAt: T0, actionId: 'drop-tables' }, approver: IC, state: state(), now: T0, catalog });
    expect(expectRefused(r, 'approval').code).toBe(ErrorCode.InvalidInput);
  });

  it('a non-destructive action with an approval rule of its own asks for it; a destructive one never for less than SEV1', () => {
    const strict = { ...HOLD, approval: { secondPersonAtOrAbove: 'SEV2' as Severity } };
    const ask = (a: ActionEntry, severity: Severity) =>
      evaluateRequest({ action: a, params: { tenant: 'acme', channel: 'stable' }, actor: OPS, state: state({ severity, items: SETTLED }), runbook });
    expect(ask(strict, 'SEV2')).toMatchObject({ ok: true, needsApproval: true });
    expect(ask(strict, 'SEV3')).toMatchObject({ ok: true, needsApproval: false });
    // A catalog that slipped past the schema still cannot weaken the floor.
    const weak = { ...DESTRUCTIVE, approval: 'none' as const, destructive: false };
    expect(ask(weak, 'SEV1')).toMatchObject({ ok: true, needsApproval: true });
    expect(ask(weak, 'SEV2')).toMatchObject({ ok: true, needsApproval: false });
    // Nor skip the evidence its effect requires.
    const open = evaluateRequest({ action: weak, params: { tenant: 'acme', channel: 'stable' }, actor: OPS, state: state({ severity: 'SEV2', items: ONE_OPEN }), runbook });
    expectRefused(open, 'evidence');
  });
});

describe('evidence: only a snapshot marked done counts', () => {
  it.each([
    ['skipped', { status: 'skipped', by: IC, at: T0, reason: 'no build involved' }],
    ['not applicable', { status: 'na', by: IC, at: T0 }],
  ] as [string, ItemState][])('a %s §5.3 step is no evidence: the destructive action is refused, and the IC may still override', (_name, item) => {
    const items = { ...SETTLED, 'triage.snapshot-build-record': item };
    const ask = (actor: string, override?: { reason: string }) =>
      evaluateRequest({ action: DESTRUCTIVE, params: { tenant: 'acme', channel: 'stable' }, actor, state: state({ severity: 'SEV2', items }), runbook, roleNames, ...(override ? { override } : {}) });
    const r = expectRefused(ask(OPS), 'evidence');
    expect(r.reason).toContain('1 evidence snapshot step is still open ("Orgo Build Record + stage logs")');
    expect(r.reason).toContain('never a skipped step');
    expect(ask(IC, { reason: 'urgent' })).toMatchObject({ ok: true, override: { openSteps: ['triage.snapshot-build-record'] } });
  });
});

describe('scope: typed channel and environment parameters lie inside the incident', () => {
  const ask = (params: Record<string, ParamValue | undefined>, a = HOLD) => evaluateRequest({ action: a, params, actor: OPS, state: state({ severity: 'SEV2', items: SETTLED }), runbook, roleNames });

  it('a channel the incident does not list is refused, naming the ones it does', () => {
    const r = expectRefused(ask({ tenant: 'acme', channel: ['stable', 'beta'] }), 'scope');
    expect(r.reason).toBe(`Scope rule (§2): "beta" is not an impacted channel of this incident, so choose from stable for Channel(s) (channel), or add it to the incident's scope first.`);
    expect(ask({ tenant: 'acme', channel: ['stable'] })).toMatchObject({ ok: true });
  });

  it('an environment outside the incident is refused, even an optional one', () => {
    expect(expectRefused(ask({ tenant: 'acme', channel: 'stable', environment: 'prod-us' }), 'scope').reason).toContain('"prod-us" is not an impacted environment');
    expect(ask({ tenant: 'acme', channel: 'stable', environment: 'prod' })).toMatchObject({ ok: true, params: { environment: 'prod' } });
  });
});

describe('fail closed: accepting a corrected or rotated root', () => {
  const roots = action('deploy-trust-roots');
  const VERIFY = runbook.playbooks.find((p) => p.ref === '6.2')!.sections.flatMap((s) => s.items).map((i) => i.id);
  const settled = (except: string[] = []) => Object.fromEntries(VERIFY.filter((id) => !except.includes(id)).map((id): [string, ItemState] => [id, done(SEC)]));
  const ask = (severity: Severity, items: Record<string, ItemState>, integrityUncertain = false) => {
    const s = state({ severity, holders: [['ic', IC], ['sec', SEC]], items: { ...SETTLED, ...items } });
    s.incident.integrityUncertain = integrityUncertain;
    return evaluateRequest({ action: roots, params: { tenant: 'acme', channel: 'stable', trustRootSet: 'roots@v7' }, actor: SEC, state: s, runbook, roleNames });
  };

  it('its effect fails closed and is destructive, owned by Security alone', () => {
    expect(roots).toMatchObject({ effects: ['deploy-tenant-trust-roots'], failClosed: true, destructive: true, roles: ['sec'] });
  });

  it('at SEV1 it waits for the §6.2 verification steps other than its own, then for a second person', () => {
    const r = expectRefused(ask('SEV1', settled(['verification-failure.confirm-trust-roots'])), 'fail-closed');
    expect(r.reason).toContain('1 step is still open ("Confirm tenant/channel trust roots are correct.")');
    // Its own step (deploy corrected roots) is what it carries out, so it need not be settled first.
    expect(ask('SEV1', settled(['verification-failure.deploy-corrected-roots']))).toMatchObject({ ok: true, needsApproval: true, approvers: { candidates: [IC] } });
  });

  it('with integrity uncertain it fails closed at any severity; below SEV1 with integrity certain it does not', () => {
    expectRefused(ask('SEV2', {}, true), 'fail-closed');
    expect(ask('SEV2', settled(), true)).toMatchObject({ ok: true, needsApproval: true });
    expect(ask('SEV2', {})).toMatchObject({ ok: true, needsApproval: false });
  });
});
