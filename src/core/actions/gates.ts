// The gates a containment action request passes before anything runs: pure functions over plain data
// (no clock, no I/O). Each refusal is one sentence that names the rule and says how to proceed; the
// caller shows it to the requester and appends it to the timeline.
//
// Order: role (§3) -> tenant isolation and scope (§2) -> parameters -> evidence first (§2, §5.3) ->
// fail closed (§2, §6.2) -> approval need. What each gate asks of an action comes from its effects
// (effects.ts), never from words in the catalog.
import { ErrorCode } from '../errors.js';
import { ROLES, type Incident, type IncidentState, type Role, type Severity } from '../incidents/model.js';
import { severityRank } from '../incidents/rules.js';
import type { Runbook } from '../runbook/checklists.js';
import type { ChecklistItem } from '../runbook/checklist-schema.js';
import { REASON_MAX, type RoleNames } from '../checklists/state.js';
import { mention } from '../views/text.js';
import { EVIDENCE_SECTION_ID, IMPACTED, VERIFICATION_REF, type ActionEntry } from './catalog.js';
import { isScopeType, type ActionParameter, type ApprovalRule, type ScopeParamType } from './catalog-schema.js';
import { deriveGates } from './effects.js';

export type GateRule = 'role' | 'tenant' | 'scope' | 'parameters' | 'evidence' | 'fail-closed' | 'approval';

/** What each rule is called in a refusal sentence. */
export const RULE_LABEL: Record<GateRule, string> = {
  role: 'Role rule (§3)',
  tenant: 'Tenant isolation rule (§2)',
  scope: 'Scope rule (§2)',
  parameters: 'Parameter rule',
  evidence: 'Evidence-first rule (§2, §5.3)',
  'fail-closed': 'Fail-closed rule (§2, §6.2)',
  approval: 'Approval rule',
};

export type Refusal = { ok: false; code: ErrorCode; rule: GateRule; reason: string };

export type ParamValue = string | string[];
/** A request's parameters, trimmed; a multiple parameter is a list, any other a string. */
export type Params = Record<string, ParamValue>;

/** The IC's written reason to act before the §5.3 snapshot steps are settled; recorded on the timeline. */
export type EvidenceOverride = { by: string; reason: string; openSteps: string[] };

/** Who may approve: the holders of these roles, except the requester. */
export type Approvers = { rule: Exclude<ApprovalRule, 'none'>; roles: Role[]; candidates: string[] };

export type Accepted = {
  ok: true;
  needsApproval: boolean;
  approvers: Approvers | null;
  params: Params;
  override?: EvidenceOverride;
};

export type RequestInput = {
  action: ActionEntry;
  params: Record<string, ParamValue | undefined>;
  actor: string;
  state: IncidentState;
  override?: { reason: string };
  runbook: Runbook;
  /** Role names from the incident model, for the sentences; the role key stands in without them. */
  roleNames?: RoleNames;
};

/** A parameter value longer than this is refused (it goes into messages and webhook bodies). */
export const PARAM_VALUE_MAX = 200;

const refuse = (rule: GateRule, code: ErrorCode, sentence: string): Refusal => ({
  ok: false,
  code,
  rule,
  reason: `${RULE_LABEL[rule]}: ${sentence}`,
});

const holdersOf = (state: IncidentState, role: Role): string[] =>
  state.holders.filter((h) => h.role === role).map((h) => h.userId);

const holds = (state: IncidentState, user: string, roles: readonly Role[]): boolean =>
  state.holders.some((h) => h.userId === user && roles.includes(h.role));

/** The IC first, then the action's roles in §3 order. */
export function owningRoles(action: Pick<ActionEntry, 'roles'>): Role[] {
  return ROLES.filter((r) => r === 'ic' || action.roles.includes(r));
}

/** "a, b or c". */
export function either(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

/** "the Operations Lead (<@U1>)", "the Konnaxion Lead (unfilled)". */
export function describeRole(state: IncidentState, role: Role, roleNames: RoleNames = {}): string {
  const ids = holdersOf(state, role);
  return `the ${roleNames[role] ?? role} (${ids.length ? ids.map(mention).join(', ') : 'unfilled'})`;
}

const quote = (s: string) => `"${s}"`;

/**
 * Steps of §5.3 whose snapshot is not preserved: only Done counts. A skipped or not-applicable step
 * preserved nothing; the IC's recorded override is the only way past it.
 */
export function openEvidenceSteps(runbook: Runbook, state: IncidentState): ChecklistItem[] | undefined {
  const section = runbook.triage.sections.find((s) => s.id === EVIDENCE_SECTION_ID);
  if (!section) return undefined;
  return section.items.filter((i) => state.items[i.id]?.status !== 'done');
}

/** §2 fails closed while the incident is SEV0/SEV1, or while integrity or isolation is uncertain. */
export const failsClosed = (incident: Pick<Incident, 'severity' | 'integrityUncertain'>): boolean =>
  severityRank(incident.severity) <= severityRank('SEV1') || incident.integrityUncertain;

/** The §6.2 verification steps still open (done, skipped with a reason or not applicable settle one), except `own`. */
export function openVerificationSteps(runbook: Runbook, state: IncidentState, own: readonly string[] = []): ChecklistItem[] | undefined {
  const playbook = runbook.playbooks.find((p) => p.ref === VERIFICATION_REF);
  if (!playbook) return undefined;
  return playbook.sections.flatMap((s) => s.items).filter((i) => !own.includes(i.id) && (state.items[i.id]?.status ?? 'open') === 'open');
}

/** Why a fail-closed step may not go ahead yet, or undefined when the §6.2 verification is settled. */
export function verificationRefusal(runbook: Runbook, state: IncidentState, what: string, own: readonly string[] = []): Refusal | undefined {
  const open = openVerificationSteps(runbook, state, own);
  const why = `at ${state.incident.severity}${state.incident.integrityUncertain ? ' with integrity or isolation uncertain' : ''}`;
  if (open === undefined) return refuse('fail-closed', ErrorCode.NotAllowed, `the runbook content has no §${VERIFICATION_REF} playbook to check, so ${what} is refused ${why}.`);
  if (open.length === 0) return undefined;
  return refuse(
    'fail-closed',
    ErrorCode.NotAllowed,
    `${why}, ${what} waits for the §${VERIFICATION_REF} verification: ${open.length} step${open.length > 1 ? 's are' : ' is'} still open (${listOf(open)}), so attach the §${VERIFICATION_REF} playbook and settle them first.`,
  );
}

/**
 * The approval rule in force: the strictest of what the effects require and what the entry asks. The
 * effects are read again here, so an entry that slipped past the schema still cannot weaken the floor.
 */
export function effectiveApproval(action: Pick<ActionEntry, 'approval' | 'effects' | 'destructive'>): Exclude<ApprovalRule, 'none'> | null {
  const floor = deriveGates(action.effects).approvalAt;
  const thresholds = [floor, action.destructive ? 'SEV1' : null, action.approval === 'none' ? null : action.approval.secondPersonAtOrAbove].filter((x): x is Severity => x !== null);
  if (thresholds.length === 0) return null;
  return { secondPersonAtOrAbove: thresholds.reduce((a, b) => (severityRank(a) >= severityRank(b) ? a : b)) };
}

// The entry's flags, or'ed with its effects read again: a hand-built entry cannot drop either.
const destructiveAction = (a: Pick<ActionEntry, 'destructive' | 'effects'>) => a.destructive || deriveGates(a.effects).destructive;
const failClosedAction = (a: Pick<ActionEntry, 'failClosed' | 'effects'>) => a.failClosed || deriveGates(a.effects).failClosed;

/** Whether a second person must approve: from the severity, or because the action fails closed now. */
export function needsSecondPerson(action: Pick<ActionEntry, 'approval' | 'effects' | 'destructive' | 'failClosed'>, incident: Pick<Incident, 'severity' | 'integrityUncertain'>): boolean {
  const rule = effectiveApproval(action);
  return (rule !== null && severityRank(incident.severity) <= severityRank(rule.secondPersonAtOrAbove)) || (failClosedAction(action) && failsClosed(incident));
}

/** Who may be the second person: holders of the owning roles (and the IC), never `actor`. */
export function secondPeople(state: IncidentState, roles: readonly Role[], actor: string): string[] {
  return [...new Set(state.holders.filter((h) => roles.includes(h.role) && h.userId !== actor).map((h) => h.userId))];
}

const listOf = (items: ChecklistItem[]): string => {
  const names = items.slice(0, 3).map((i) => quote(i.text));
  return items.length > 3 ? `${names.join(', ')} and ${items.length - 3} more` : names.join(', ');
};

/** Tokens that mean "more than one tenant" in a single value. */
const MANY_TENANTS = /^(\*|all|any|every|everyone|all-tenants)$/i;
const LIST_SEPARATOR = /[,;|\s]/;

function checkTenant(input: RequestInput, param: ActionParameter, value: ParamValue | undefined): Refusal | string | undefined {
  const { action, state } = input;
  const impacted = state.incident.tenants;
  const choose = impacted.length ? `choose one of the incident's impacted tenants (${impacted.join(', ')})` : '';
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (values.length === 0) {
    if (!param.required) return undefined;
    if (impacted.length === 0) {
      return refuse(
        'tenant',
        ErrorCode.NotAllowed,
        `${quote(action.title)} acts on exactly one impacted tenant, and this incident lists none, so add the impacted tenant to the incident's scope first.`,
      );
    }
    return refuse('tenant', ErrorCode.InvalidInput, `${quote(action.title)} acts on exactly one tenant, so ${choose} and request again.`);
  }
  const many = values.length > 1 || values.some((v) => MANY_TENANTS.test(v) || LIST_SEPARATOR.test(v));
  if (many) {
    return refuse(
      'tenant',
      ErrorCode.NotAllowed,
      `one request acts on one tenant and "${values.join(', ')}" names more than one, so send one request per impacted tenant${impacted.length ? ` (${impacted.join(', ')})` : ''}.`,
    );
  }
  const tenant = values[0]!;
  if (!impacted.includes(tenant)) {
    return refuse(
      'tenant',
      ErrorCode.NotAllowed,
      impacted.length
        ? `"${tenant}" is not an impacted tenant of this incident, so ${choose}, or add "${tenant}" to the incident's scope first.`
        : `"${tenant}" is not an impacted tenant of this incident, which lists none, so add the impacted tenant to the incident's scope first.`,
    );
  }
  return tenant;
}

/** Each channel or environment named must be one the incident lists as impacted. */
function checkScope(input: RequestInput, p: ActionParameter & { type: ScopeParamType }, values: string[]): Refusal | undefined {
  const impacted = IMPACTED[p.type](input.state.incident);
  const outside = values.filter((v) => !impacted.includes(v));
  if (outside.length === 0) return undefined;
  const kind = `${p.type}${outside.length > 1 ? 's' : ''}`;
  return refuse(
    'scope',
    ErrorCode.NotAllowed,
    impacted.length
      ? `${outside.map(quote).join(', ')} ${outside.length > 1 ? 'are not impacted ' + kind : 'is not an impacted ' + kind} of this incident, so choose from ${impacted.join(', ')} for ${p.label} (${p.name}), or add ${outside.length > 1 ? 'them' : 'it'} to the incident's scope first.`
      : `${outside.map(quote).join(', ')} ${outside.length > 1 ? 'are' : 'is'} outside this incident's scope, which lists no ${p.type}s, so add the impacted ${p.type} to the incident's scope first.`,
  );
}

/** Checks names, presence, enum values and shape of the parameters; returns them trimmed. */
function checkParams(input: RequestInput): { refusal: Refusal } | { params: Params } {
  const { action } = input;
  const out: Params = {};
  const known = new Set(action.parameters.map((p) => p.name));
  const unknown = Object.keys(input.params).filter((k) => !known.has(k) && input.params[k] !== undefined);
  if (unknown.length > 0) {
    const takes = action.parameters.length ? `it takes ${action.parameters.map((p) => p.name).join(', ')}` : 'it takes none';
    return { refusal: refuse('parameters', ErrorCode.InvalidInput, `${quote(action.title)} has no parameter ${unknown.map(quote).join(', ')}, since ${takes}.`) };
  }

  // The tenant first: whatever else is wrong, a request across tenants is refused as such.
  const tenant = action.parameters.find((p) => p.type === 'tenant');
  if (tenant) {
    const raw = input.params[tenant.name];
    const cleaned = raw === undefined ? undefined : Array.isArray(raw) ? raw.map((v) => v.trim()).filter(Boolean) : raw.trim() || undefined;
    const t = checkTenant(input, tenant, cleaned);
    if (typeof t === 'object') return { refusal: t };
    if (t !== undefined) out[tenant.name] = t;
  }

  for (const p of action.parameters) {
    if (p.type === 'tenant') continue;
    const raw = input.params[p.name];
    let values = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map((v) => v.trim()).filter(Boolean);
    values = [...new Set(values)];
    if (values.length === 0) {
      if (p.required) return { refusal: refuse('parameters', ErrorCode.InvalidInput, `${quote(action.title)} needs ${p.label} (${p.name}), so fill it in and request again.`) };
      continue;
    }
    if (!p.multiple && values.length > 1) {
      return { refusal: refuse('parameters', ErrorCode.InvalidInput, `${p.label} (${p.name}) takes one value, so choose one and request again.`) };
    }
    const tooLong = values.find((v) => v.length > PARAM_VALUE_MAX || /[\r\n]/.test(v));
    if (tooLong !== undefined) {
      return {
        refusal: refuse('parameters', ErrorCode.InvalidInput, `${p.label} (${p.name}) must be one line of at most ${PARAM_VALUE_MAX} characters, so shorten it and request again.`),
      };
    }
    if (isScopeType(p.type)) {
      const outside = checkScope(input, { ...p, type: p.type }, values);
      if (outside) return { refusal: outside };
    }
    if (p.type === 'enum') {
      const bad = values.find((v) => !p.values!.includes(v));
      if (bad !== undefined) {
        return { refusal: refuse('parameters', ErrorCode.InvalidInput, `"${bad}" is not a choice for ${p.label} (${p.name}), so use one of ${p.values!.join(', ')}.`) };
      }
    }
    out[p.name] = p.multiple ? values : values[0]!;
  }
  return { params: out };
}

/**
 * Whether `actor` may request `action` now, with these parameters, and whether a second person must
 * approve it. Pure: the caller stores the request (and any override) and appends the refusal or the
 * acceptance to the timeline.
 */
export function evaluateRequest(input: RequestInput): Accepted | Refusal {
  const { action, actor, state, runbook, roleNames = {} } = input;
  const roles = owningRoles(action);

  // Role (§3): the owning roles' holders and the IC.
  if (!holds(state, actor, roles)) {
    return refuse(
      'role',
      ErrorCode.NotAllowed,
      `only ${either(roles.filter((r) => r !== 'ic').map((r) => describeRole(state, r, roleNames)).concat(describeRole(state, 'ic', roleNames)))} may request ${quote(action.title)}, so ask one of them to run it.`,
    );
  }

  // Tenant isolation (§2) and the other parameters.
  const checked = checkParams(input);
  if ('refusal' in checked) return checked.refusal;
  const clean = checked.params;

  // Evidence first (§2, §5.3).
  let override: EvidenceOverride | undefined;
  if (destructiveAction(action)) {
    const open = openEvidenceSteps(runbook, state);
    const isIc = holds(state, actor, ['ic']);
    if (open === undefined) {
      return refuse(
        'evidence',
        ErrorCode.NotAllowed,
        `the runbook content has no §5.3 evidence section to check, so ${quote(action.title)} is refused until the triage checklist has one.`,
      );
    }
    if (open.length > 0) {
      if (!input.override) {
        return refuse(
          'evidence',
          ErrorCode.NotAllowed,
          `${quote(action.title)} is destructive and ${open.length} evidence snapshot step${open.length > 1 ? 's are' : ' is'} still open (${listOf(open)}): only a snapshot marked done counts, never a skipped step, so take them and mark them done in the triage checklist first, or the Incident Commander may override with a written reason.`,
        );
      }
      if (!isIc) {
        return refuse(
          'evidence',
          ErrorCode.NotAllowed,
          `only ${describeRole(state, 'ic', roleNames)} may override open evidence snapshot steps, so settle them first or ask the Incident Commander to request ${quote(action.title)} with a written reason.`,
        );
      }
      const reason = input.override.reason.trim();
      if (!reason) {
        return refuse('evidence', ErrorCode.InvalidInput, `an override of open evidence steps needs a written reason, so say why ${quote(action.title)} cannot wait for the snapshots.`);
      }
      if (reason.length > REASON_MAX) {
        return refuse('evidence', ErrorCode.InvalidInput, `keep the override reason under ${REASON_MAX} characters (it has ${reason.length}) and request again.`);
      }
      override = { by: actor, reason, openSteps: open.map((i) => i.id) };
    }
  }

  // Fail closed (§2): accepting a corrected or rotated root waits for the §6.2 verification.
  if (failClosedAction(action) && failsClosed(state.incident)) {
    const unsettled = verificationRefusal(runbook, state, quote(action.title), action.steps);
    if (unsettled) return unsettled;
  }

  // Approval: who may be the second person.
  const severity = state.incident.severity;
  if (!needsSecondPerson(action, state.incident)) {
    return { ok: true, needsApproval: false, approvers: null, params: clean, ...(override ? { override } : {}) };
  }
  const rule = effectiveApproval(action) ?? { secondPersonAtOrAbove: severity };
  const candidates = secondPeople(state, roles, actor);
  if (candidates.length === 0) {
    return refuse(
      'approval',
      ErrorCode.NotAllowed,
      `at ${severity} ${quote(action.title)} needs a second person to approve it — ${either(roles.map((r) => describeRole(state, r, roleNames)))}, never the requester — and nobody but you holds those roles, so assign one and request again.`,
    );
  }
  return { ok: true, needsApproval: true, approvers: { rule, roles, candidates }, params: clean, ...(override ? { override } : {}) };
}
