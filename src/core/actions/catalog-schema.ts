// The §6 containment actions as data: the zod schema of runbook/actions.yaml. Each entry is checked at
// start-up; a broken entry stops the bot with a message naming the file, the entry and the rule.
//
// The §2 rules are not configuration. The schema refuses, whatever the file says:
// - a capability (or an action id, or a value a parameter may take) that would bypass signature or hash
//   verification, broaden trust acceptance, edit canon, disable validation or cross tenants (DENIED_CAPABILITIES);
// - a tenant-scoped effect without the single, required `tenant` parameter, and any parameter that could
//   name several tenants;
// - a destructive action that a second person need not approve at SEV0/SEV1.
// Rules that need the playbooks (every playbook `action` key has an entry) are in catalog.ts.
import { z } from 'zod';
import { ROLES, SEVERITIES, type Role, type Severity } from '../incidents/model.js';
import { severityRank } from '../incidents/rules.js';

const text = z.string().trim().min(1);
const KEBAB = '[a-z0-9]+(?:-[a-z0-9]+)*';
const kebab = z.string().regex(new RegExp(`^${KEBAB}$`), 'must be kebab-case: lower-case letters and digits joined by single hyphens');

/** Action ids travel in button payloads and timeline events: keep them short. */
export const ACTION_ID_MAX = 48;

/**
 * Effects no action may declare (§2: fail-closed on integrity, no canon mutation, tenant isolation).
 * Matched against every capability, action id and enum value after normalising case and separators, and
 * anywhere inside it ("tenant:quietly-skip-hash-check" is refused too).
 */
export const DENIED_CAPABILITIES = {
  'bypass-signature-verification': 'bypasses signature verification',
  'skip-signature-verification': 'bypasses signature verification',
  'disable-signature-verification': 'bypasses signature verification',
  'bypass-hash-check': 'bypasses hash verification',
  'skip-hash-check': 'bypasses hash verification',
  'disable-hash-check': 'bypasses hash verification',
  'skip-verification': 'bypasses verification',
  'bypass-verification': 'bypasses verification',
  'broaden-trust-acceptance': 'broadens trust acceptance',
  'broaden-trust': 'broadens trust acceptance',
  'accept-unsigned': 'accepts unsigned artifacts',
  'accept-untrusted': 'accepts untrusted artifacts',
  'edit-canon': 'edits canon',
  'hot-edit-canon': 'edits canon',
  'mutate-canon': 'edits canon',
  'disable-validation': 'disables validation',
  'relax-validation': 'disables validation',
  'cross-tenant': 'acts across tenants',
  'all-tenants': 'acts across tenants',
} as const satisfies Record<string, string>;

const DENIED_BY_LENGTH = Object.entries(DENIED_CAPABILITIES).sort(([a], [b]) => b.length - a.length);

/** Lower case, every run of separators ("_", ".", ":", "/", spaces) as one hyphen. */
export function normalizeEffect(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The deny-listed effect `s` contains, if any. */
export function deniedEffect(s: string): { denied: string; why: string } | undefined {
  const n = `-${normalizeEffect(s)}-`;
  // The longest match names the effect best ("hot-edit-canon" rather than "edit-canon").
  for (const [denied, why] of DENIED_BY_LENGTH) {
    if (n.includes(`-${denied}-`)) return { denied, why };
  }
  return undefined;
}

/** Where an effect lands: inside one tenant, or on infrastructure the tenants share. */
export const SCOPES = ['tenant', 'shared'] as const;
export type Scope = (typeof SCOPES)[number];
const CAPABILITY_RE = new RegExp(`^(${SCOPES.join('|')}):${KEBAB}$`);

export const PREFILL_SOURCES = ['incident.tenants', 'incident.channels', 'incident.environments'] as const;
export type PrefillSource = (typeof PREFILL_SOURCES)[number];

export const PARAM_TYPES = ['string', 'enum'] as const;
export const EXECUTORS = ['manual', 'webhook'] as const;
export type ExecutorKind = (typeof EXECUTORS)[number];

/** The one parameter that names a tenant. */
export const TENANT_PARAM = 'tenant';

export type ActionParameter = {
  /** camelCase; `tenant` is the tenant, always one. */
  name: string;
  label: string;
  type: 'string' | 'enum';
  /** The choices of an enum parameter. */
  values?: string[];
  required: boolean;
  /** Several values in one request (a list). Never for `tenant`. */
  multiple: boolean;
  prefill?: PrefillSource;
};

/** `none`, or: at this severity or more severe, a second person approves. */
export type ApprovalRule = 'none' | { secondPersonAtOrAbove: Severity };

export type ActionEntryFile = {
  id: string;
  title: string;
  refs: string[];
  /** Runbook steps the action carries out, besides the playbook items keyed to it. */
  steps?: string[];
  roles: Role[];
  destructive: boolean;
  approval: ApprovalRule;
  liftable?: { title: string };
  capabilities: string[];
  executor: ExecutorKind;
  parameters: ActionParameter[];
};

/** The least a destructive action must ask for: a second person at SEV1 and above. */
export const DESTRUCTIVE_APPROVAL_FLOOR: Severity = 'SEV1';

const ref = z
  .string({ error: 'must be a quoted section number such as "6.1"' })
  .regex(/^\d+(?:\.\d+)*$/, 'must be a section number such as "6.1"');

const parameterSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'must be camelCase, such as "taskType"'),
    label: text,
    type: z.enum(PARAM_TYPES),
    values: z.array(text).min(1).optional(),
    required: z.boolean({ error: 'must say required: true or required: false' }),
    multiple: z.boolean().default(false),
    prefill: z.enum(PREFILL_SOURCES).optional(),
  })
  .strict();

const approvalSchema = z.union([
  z.literal('none'),
  z.object({ secondPersonAtOrAbove: z.enum(SEVERITIES) }).strict(),
]);

const entrySchema = z
  .object({
    id: kebab.max(ACTION_ID_MAX),
    title: text.max(80),
    refs: z.array(ref).min(1),
    steps: z.array(z.string().min(1)).min(1).optional(),
    roles: z.array(z.enum(ROLES)).min(1),
    destructive: z.boolean({ error: 'must say destructive: true or destructive: false' }),
    approval: approvalSchema,
    liftable: z.object({ title: text.max(80) }).strict().optional(),
    capabilities: z.array(z.string()).min(1),
    executor: z.enum(EXECUTORS).default('manual'),
    parameters: z.array(parameterSchema).default([]),
  })
  .strict()
  .superRefine((e, ctx) => checkEntry(e as ActionEntryFile, ctx));

type Ctx = z.RefinementCtx;

/** The rules of one entry; every message starts with the entry, then says the rule broken. */
function checkEntry(e: ActionEntryFile, ctx: Ctx): void {
  const issue = (path: (string | number)[], rule: string) =>
    ctx.addIssue({ code: 'custom', path, message: `action "${e.id}": ${rule}` });
  const failClosed = (path: (string | number)[], what: string, hit: { denied: string; why: string }) =>
    issue(
      path,
      `${what} ${hit.why} ("${hit.denied}" is deny-listed); runbook §2 is fail-closed on integrity, forbids canon edits under pressure and keeps tenants isolated, so no action may declare it`,
    );

  const idHit = deniedEffect(e.id);
  if (idHit) failClosed(['id'], `the id "${e.id}"`, idHit);

  // Capabilities: the deny-list first, so a denied effect is reported as such whatever its spelling.
  let tenantScoped = false;
  e.capabilities.forEach((c, i) => {
    const hit = deniedEffect(c);
    if (hit) {
      failClosed(['capabilities', i], `capability "${c}"`, hit);
      return;
    }
    if (!CAPABILITY_RE.test(c)) {
      issue(['capabilities', i], `capability "${c}" must be "<scope>:<effect>" with scope ${SCOPES.join(' or ')} and a kebab-case effect, such as "tenant:pause-auto-activation"`);
      return;
    }
    if (c.startsWith('tenant:')) tenantScoped = true;
  });
  const dupCap = e.capabilities.find((c, i) => e.capabilities.indexOf(c) !== i);
  if (dupCap) issue(['capabilities'], `capability "${dupCap}" is listed twice`);

  // Parameters.
  const names = new Set<string>();
  e.parameters.forEach((p, i) => {
    if (names.has(p.name)) issue(['parameters', i, 'name'], `parameter "${p.name}" appears twice`);
    names.add(p.name);
    if (p.type === 'enum' && !p.values) issue(['parameters', i, 'values'], `enum parameter "${p.name}" must list its values`);
    if (p.type === 'string' && p.values) issue(['parameters', i, 'values'], `string parameter "${p.name}" takes no values (use type: enum)`);
    (p.values ?? []).forEach((v, j) => {
      const hit = deniedEffect(v);
      if (hit) failClosed(['parameters', i, 'values', j], `value "${v}" of parameter "${p.name}"`, hit);
    });
    if (p.name !== TENANT_PARAM && /tenant/i.test(p.name)) {
      issue(['parameters', i, 'name'], `parameter "${p.name}" looks like a tenant; a tenant is named only by the single "tenant" parameter (one request acts on one tenant)`);
    }
    if (p.name === TENANT_PARAM) {
      if (p.multiple) issue(['parameters', i, 'multiple'], 'the "tenant" parameter must name exactly one tenant (multiple: false); one request acts on one tenant (§2 tenant isolation)');
      if (p.type !== 'string') issue(['parameters', i, 'type'], 'the "tenant" parameter must be type: string; its value is checked against the incident\'s impacted tenants');
      if (p.prefill !== undefined && p.prefill !== 'incident.tenants') {
        issue(['parameters', i, 'prefill'], 'the "tenant" parameter may only be prefilled from incident.tenants');
      }
    }
  });
  const tenant = e.parameters.find((p) => p.name === TENANT_PARAM);
  if (tenantScoped && (!tenant || !tenant.required)) {
    issue(
      ['parameters'],
      'a tenant-scoped capability needs a required "tenant" parameter naming one impacted tenant (§2 tenant isolation)',
    );
  }

  // Roles.
  const dupRole = e.roles.find((r, i) => e.roles.indexOf(r) !== i);
  if (dupRole) issue(['roles'], `role "${dupRole}" is listed twice`);

  // Approval: configuration may ask for more, never for less than the floor.
  if (e.destructive) {
    const floor = DESTRUCTIVE_APPROVAL_FLOOR;
    if (e.approval === 'none') {
      issue(['approval'], `a destructive action needs a second person at ${floor} and above (approval: { secondPersonAtOrAbove: ${floor} } or a lower severity)`);
    } else if (severityRank(e.approval.secondPersonAtOrAbove) < severityRank(floor)) {
      issue(
        ['approval', 'secondPersonAtOrAbove'],
        `a destructive action needs a second person at ${floor} and above, so secondPersonAtOrAbove may not be ${e.approval.secondPersonAtOrAbove}`,
      );
    }
  }

  const dupRef = e.refs.find((r, i) => e.refs.indexOf(r) !== i);
  if (dupRef) issue(['refs'], `ref "${dupRef}" is listed twice`);
}

/** runbook/actions.yaml. */
export const actionCatalogFileSchema = z
  .object({
    approvalExpiryMinutes: z.number().positive().max(120),
    actions: z.array(entrySchema).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.actions.forEach((a, i) => {
      const first = seen.get(a.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['actions', i, 'id'],
          message: `action "${a.id}": already defined at actions.${first}; action ids must be unique`,
        });
      } else {
        seen.set(a.id, i);
      }
    });
  });

export type ActionCatalogFile = z.infer<typeof actionCatalogFileSchema>;
