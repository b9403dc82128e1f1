// The §6 containment actions as data: the zod schema of runbook/actions.yaml. Each entry is checked at
// start-up; a broken entry stops the bot with a message naming the file, the entry and the rule.
//
// An entry declares what it does as effects from the code's closed vocabulary (effects.ts). Its scope,
// destructiveness, least approval, evidence-first, fail-closed lift and owning roles follow from those
// effects; the file may make a gate stricter (fewer roles, an earlier approval, destructive: true), never
// looser, and cannot name an effect the code does not know. Rules that need the playbooks are in
// catalog.ts.
import { z } from 'zod';
import { ROLES, SEVERITIES, type Role, type Severity } from '../incidents/model.js';
import { severityRank } from '../incidents/rules.js';
import { deriveGates, EFFECT_NAMES, effectRule, isEffect, type Effect } from './effects.js';

const text = z.string().trim().min(1);
const kebab = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case: lower-case letters and digits joined by single hyphens');

/** Action ids travel in button payloads and timeline events: keep them short. */
export const ACTION_ID_MAX = 48;

/** How long a request may wait for its second person (minutes): long enough to find one, short enough to be current. */
export const APPROVAL_EXPIRY_MINUTES = { min: 5, max: 30 } as const;

/**
 * A parameter's type. `tenant`, `channel` and `environment` name scope: their values must lie inside the
 * incident's impacted scope, and the Run form offers the incident's values. A tenant is always one.
 */
export const PARAM_TYPES = ['tenant', 'channel', 'environment', 'string', 'enum'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
export type ScopeParamType = Extract<ParamType, 'tenant' | 'channel' | 'environment'>;
export const SCOPE_PARAM_TYPES: readonly ScopeParamType[] = ['tenant', 'channel', 'environment'];
export const isScopeType = (t: ParamType): t is ScopeParamType => (SCOPE_PARAM_TYPES as readonly string[]).includes(t);

/** Words that name scope: a free-form parameter called so would carry scope past the scope check. */
const SCOPE_WORDS = /^(tenants?|customers?|clients?|orgs?|organi[sz]ations?|accounts?|workspaces?|channels?|env|envs|environments?|regions?|scopes?)$/;

export type ActionParameter = {
  /** camelCase. */
  name: string;
  label: string;
  type: ParamType;
  /** The choices of an enum parameter. */
  values?: string[];
  required: boolean;
  /** Several values in one request (a list). Never for a tenant. */
  multiple: boolean;
};

/** `none`, or: at this severity or more severe, a second person approves. */
export type ApprovalRule = 'none' | { secondPersonAtOrAbove: Severity };

export type ActionEntryFile = {
  id: string;
  title: string;
  refs: string[];
  /** Runbook steps the action carries out, besides the playbook items keyed to it. */
  steps?: string[];
  effects: Effect[];
  /** Narrows the roles owning the effects; never adds one. */
  roles?: Role[];
  /** May only say true (an effect that is not destructive treated as if it were). */
  destructive?: boolean;
  /** May only ask for more than the effects require. */
  approval?: ApprovalRule;
  /** Required when an effect is a hold: the lift's title. */
  liftable?: { title: string };
  parameters: ActionParameter[];
};

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
  })
  .strict();

const approvalSchema = z.union([z.literal('none'), z.object({ secondPersonAtOrAbove: z.enum(SEVERITIES) }).strict()]);

const entrySchema = z
  .object({
    id: kebab.max(ACTION_ID_MAX),
    title: text.max(80),
    refs: z.array(ref).min(1),
    steps: z.array(z.string().min(1)).min(1).optional(),
    effects: z.array(z.string(), { error: 'must list the effects, such as [freeze-publish]' }).min(1),
    roles: z.array(z.enum(ROLES)).min(1).optional(),
    destructive: z.boolean().optional(),
    approval: approvalSchema.optional(),
    liftable: z.object({ title: text.max(80) }).strict().optional(),
    parameters: z.array(parameterSchema).default([]),
    // Refused with their own explanation rather than as unknown keys.
    executor: z.unknown().optional(),
    capabilities: z.unknown().optional(),
  })
  .strict()
  .superRefine((e, ctx) => checkEntry(e as ActionEntryFile & { executor?: unknown; capabilities?: unknown }, ctx));

type Ctx = z.RefinementCtx;
const camelWords = (name: string): string[] => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');

/** The rules of one entry; every message starts with the entry, then says the rule broken. */
function checkEntry(e: ActionEntryFile & { executor?: unknown; capabilities?: unknown }, ctx: Ctx): void {
  const issue = (path: (string | number)[], rule: string) => ctx.addIssue({ code: 'custom', path, message: `action "${e.id}": ${rule}` });

  if (e.executor !== undefined) {
    issue(['executor'], 'the catalog does not choose the executor: ACTION_WEBHOOK_ACTIONS names the actions sent to the webhook, and every other one is confirmed by hand, so remove executor');
  }
  if (e.capabilities !== undefined) {
    issue(['capabilities'], `capabilities are not read: declare what the action does as effects, chosen from ${EFFECT_NAMES.join(', ')}`);
  }

  // Effects: only the code's words. A bypass, a canon edit or a cross-tenant effect has none.
  const effects: Effect[] = [];
  e.effects.forEach((name, i) => {
    if (!isEffect(name)) {
      issue(
        ['effects', i],
        `"${name}" is not an effect the code knows; an action may only do ${EFFECT_NAMES.join(', ')} (runbook §2: nothing may bypass verification, edit canon or act across tenants, so those have no effect to declare)`,
      );
      return;
    }
    if (effects.includes(name)) issue(['effects', i], `effect "${name}" is listed twice`);
    else effects.push(name);
  });
  if (effects.length !== e.effects.length) return;
  const gates = deriveGates(effects);
  const owners = (effect: Effect) => effectRule(effect).roles.join(', ');

  // Roles: the owners of every effect, narrowed by the file, never widened.
  if (gates.roles.length === 0) {
    issue(['effects'], `no role owns all of ${effects.join(', ')} (${effects.map((x) => `${x}: ${owners(x)}`).join('; ')}), so split it into one action per owner`);
  }
  (e.roles ?? []).forEach((role, i) => {
    if (role === 'ic' || gates.roles.includes(role)) return;
    const lacking = effects.filter((x) => !effectRule(x).roles.includes(role));
    issue(
      ['roles', i],
      `role "${role}" does not own effect ${lacking.map((x) => `"${x}" (owned by ${owners(x)})`).join(', ')}; the file may narrow the roles that request an action, never add one`,
    );
  });
  const dupRole = e.roles?.find((r, i) => e.roles!.indexOf(r) !== i);
  if (dupRole) issue(['roles'], `role "${dupRole}" is listed twice`);

  // Destructive and approval: stricter only.
  const destructiveEffect = effects.find((x) => effectRule(x).destructive);
  if (e.destructive === false && destructiveEffect) {
    issue(['destructive'], `effect "${destructiveEffect}" is destructive (it waits for the §5.3 evidence and a second person at SEV1 and above), so destructive: false is refused; the file may only make a gate stricter`);
  }
  const floor = gates.approvalAt ?? (e.destructive ? 'SEV1' : null);
  if (e.approval !== undefined && floor !== null) {
    const why = `${destructiveEffect ? `effect "${destructiveEffect}" is destructive, so it` : 'this action'} needs a second person at ${floor} and above`;
    if (e.approval === 'none') issue(['approval'], `${why}; approval: none is refused (the file may only ask for more)`);
    else if (severityRank(e.approval.secondPersonAtOrAbove) < severityRank(floor)) {
      issue(['approval', 'secondPersonAtOrAbove'], `${why}, so secondPersonAtOrAbove may not be ${e.approval.secondPersonAtOrAbove} (the file may only ask for more)`);
    }
  }

  // A hold has a lift, and only a hold.
  if (gates.lift && !e.liftable) issue(['liftable'], `effect ${effects.filter((x) => effectRule(x).liftedBy).join(', ')} stays in force until lifted, so give the lift a title (liftable: { title: ... })`);
  if (!gates.lift && e.liftable) issue(['liftable'], `none of ${effects.join(', ')} stays in force, so there is nothing to lift; remove liftable`);

  checkParameters(e, gates.scopes, issue);

  const dupRef = e.refs.find((r, i) => e.refs.indexOf(r) !== i);
  if (dupRef) issue(['refs'], `ref "${dupRef}" is listed twice`);
}

/** Scope travels only in typed parameters, which the gates check against the incident (§2 tenant isolation). */
function checkParameters(e: ActionEntryFile, scopes: readonly string[], issue: (path: (string | number)[], rule: string) => void): void {
  const names = new Set<string>();
  e.parameters.forEach((p, i) => {
    if (names.has(p.name)) issue(['parameters', i, 'name'], `parameter "${p.name}" appears twice`);
    names.add(p.name);
    if (p.type === 'enum' && !p.values) issue(['parameters', i, 'values'], `enum parameter "${p.name}" must list its values`);
    if (p.type !== 'enum' && p.values) issue(['parameters', i, 'values'], `${p.type} parameter "${p.name}" takes no values (use type: enum)`);
    if ((p.type === 'string' || p.type === 'enum') && camelWords(p.name).some((w) => SCOPE_WORDS.test(w))) {
      issue(
        ['parameters', i, 'name'],
        `parameter "${p.name}" names scope, so it must be typed tenant, channel or environment, whose values are checked against the incident's impacted scope`,
      );
    }
    if (p.type === 'tenant' && p.multiple) issue(['parameters', i, 'multiple'], `the tenant parameter "${p.name}" must name exactly one tenant (multiple: false); one request acts on one tenant (§2 tenant isolation)`);
  });

  const ofType = (t: string) => e.parameters.filter((p) => p.type === t);
  if (ofType('tenant').length > 1) issue(['parameters'], 'an action takes at most one tenant parameter; one request acts on one tenant (§2 tenant isolation)');
  const need = (type: 'tenant' | 'channel' | 'environment', why: string) => {
    if (!ofType(type).some((p) => p.required)) issue(['parameters'], `${why}, so it needs a required parameter of type ${type}, checked against the incident's impacted scope (§2 tenant isolation)`);
  };
  if (scopes.some((s) => s !== 'shared')) need('tenant', 'its effects act inside one tenant');
  if (scopes.includes('channel')) need('channel', "its effects act on a tenant's channels");
  if (scopes.includes('environment')) need('environment', "its effects act in a tenant's environment");
  if (scopes.every((s) => s === 'shared')) {
    e.parameters.forEach((p, i) => {
      if (p.multiple && !isScopeType(p.type)) {
        issue(['parameters', i, 'multiple'], `"${p.name}" is a free-form list on shared infrastructure, where a list could carry tenants past the scope check; take one value, or type it`);
      }
    });
  }
}

/** runbook/actions.yaml. */
export const actionCatalogFileSchema = z
  .object({
    approvalExpiryMinutes: z
      .number()
      .int('must be whole minutes')
      .min(APPROVAL_EXPIRY_MINUTES.min, `must be at least ${APPROVAL_EXPIRY_MINUTES.min} minutes, to find a second person`)
      .max(APPROVAL_EXPIRY_MINUTES.max, `must be at most ${APPROVAL_EXPIRY_MINUTES.max} minutes: an approval given later approves a picture of the incident that has moved on`),
    actions: z.array(entrySchema).min(1),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.actions.forEach((a, i) => {
      const first = seen.get(a.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['actions', i, 'id'], message: `action "${a.id}": already defined at actions.${first}; action ids must be unique` });
      } else {
        seen.set(a.id, i);
      }
    });
  });

export type ActionCatalogFile = z.infer<typeof actionCatalogFileSchema>;
