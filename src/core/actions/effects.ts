// The closed vocabulary of what a containment action may do (§6), owned by the code. A catalog entry
// declares its effects from this list; everything the §2 gates need follows from them here, never from
// the file: where the effect lands, whether it is destructive (and so waits for the §5.3 evidence),
// the least approval it needs, whether it fails closed, and the roles that own it.
//
// A verification bypass, a canon edit or an effect across tenants has no word here, so no file can
// declare one. Adding a word is a code change, reviewed as such.
import { ROLES, SEVERITIES, type Role, type Severity } from '../incidents/model.js';

/**
 * Where an effect lands. `tenant` acts inside one tenant; `channel` and `environment` inside one tenant's
 * channels or environments (the request names them); `shared` on infrastructure the tenants share.
 */
export const SCOPES = ['tenant', 'channel', 'environment', 'shared'] as const;
export type Scope = (typeof SCOPES)[number];

export type EffectRule = {
  /** What it does, in a few words, for refusals and the webhook body. */
  does: string;
  scope: Scope;
  /** Changes or overwrites state that is evidence (§5.3): refused until the snapshots are done. */
  destructive: boolean;
  /** At this severity or more severe a second person approves; null: no approval of its own. */
  approvalAt: Severity | null;
  /**
   * Fail closed (§2): at SEV0/SEV1, or with integrity or isolation uncertain, a second person approves
   * and the incident's §6.2 verification steps must be settled first.
   */
  failClosed: boolean;
  /** The §3 roles whose leads own it; the IC always may. */
  roles: readonly Role[];
  /** A hold (freeze, quarantine, pin, lock) stays in force until it is lifted by this effect. */
  liftedBy?: string;
};

const hold = (does: string, scope: Scope, roles: Role[], liftedBy: string, destructive = false): EffectRule => ({
  does,
  scope,
  destructive,
  approvalAt: destructive ? 'SEV1' : null,
  failClosed: false,
  roles,
  liftedBy,
});
const act = (does: string, scope: Scope, roles: Role[], destructive: boolean, failClosed = false): EffectRule => ({
  does,
  scope,
  destructive,
  approvalAt: destructive ? 'SEV1' : null,
  failClosed,
  roles,
});
/** Undoing a freeze, a quarantine or a lock-down fails closed. */
const lift = (does: string, scope: Scope, roles: Role[], failClosed: boolean): EffectRule => ({ does, scope, destructive: false, approvalAt: null, failClosed, roles });

export const EFFECTS = {
  'freeze-publish': hold('freezes publishing to a tenant\'s channels', 'channel', ['ops', 'orgo'], 'unfreeze-publish'),
  'freeze-activation': hold('freezes (auto-)activation on a tenant\'s channels', 'channel', ['ops', 'konnaxion'], 'unfreeze-activation'),
  'freeze-dispatch': hold('halts dispatch of a tenant\'s task types or queues', 'tenant', ['swarmcraft', 'ops'], 'unfreeze-dispatch'),
  'hold-publish-gate': hold('holds publishing at the shared Orgo gate', 'shared', ['orgo', 'ops'], 'release-publish-gate'),
  'quarantine-artifact': hold('quarantines a tenant\'s artifacts or release', 'tenant', ['sec', 'konnaxion', 'ops'], 'unquarantine-artifact', true),
  'pin-release': hold('pins a tenant\'s channel to a release', 'channel', ['konnaxion', 'ops'], 'unpin-release', true),
  'disable-template': hold('disables templates or models for a tenant', 'tenant', ['architect'], 'enable-template'),
  'require-traced-rendering': hold('renders only traced output for a tenant', 'tenant', ['architect'], 'restore-rendering-mode'),
  'lock-trust-stores': hold('locks a tenant\'s trust root stores, revocation sources and signing', 'tenant', ['sec'], 'unlock-trust-stores'),

  'unfreeze-publish': lift('lifts a publish freeze', 'channel', ['ops', 'orgo'], true),
  'unfreeze-activation': lift('lifts an activation freeze', 'channel', ['ops', 'konnaxion'], true),
  'unfreeze-dispatch': lift('resumes dispatch', 'tenant', ['swarmcraft', 'ops'], true),
  'release-publish-gate': lift('releases the Orgo publish gate', 'shared', ['orgo', 'ops'], true),
  'unquarantine-artifact': lift('releases artifacts from quarantine', 'tenant', ['sec', 'konnaxion', 'ops'], true),
  'unpin-release': lift('unpins a channel', 'channel', ['konnaxion', 'ops'], false),
  'enable-template': lift('re-enables templates or models', 'tenant', ['architect'], false),
  'restore-rendering-mode': lift('returns to normal rendering', 'tenant', ['architect'], false),
  'unlock-trust-stores': lift('unlocks trust root stores', 'tenant', ['sec'], true),

  'rollback-to-lkg': act('activates a tenant\'s last-known-good pack', 'channel', ['ops', 'konnaxion'], true),
  'rollback-deployment': act('rolls a tenant\'s consumer deployment back', 'environment', ['ops'], true),
  'rollback-template-bundle': act('rolls a tenant\'s template/model bundle back', 'tenant', ['ops', 'architect'], true),
  'refetch-artifacts': act('replaces received artifacts with copies fetched via a trusted path', 'channel', ['konnaxion', 'sec'], true),
  'deploy-tenant-trust-roots': act('makes a tenant accept a corrected or rotated trust root set', 'tenant', ['sec'], true, true),
  'rotate-key': act('rotates a tenant\'s signing keys in one environment', 'environment', ['sec'], true),
  'revoke-key': act('publishes revocations of a tenant\'s keys', 'environment', ['sec'], true),
  'isolate-task': act('isolates a tenant\'s running tasks', 'tenant', ['swarmcraft'], true),
  'cancel-task': act('cancels a tenant\'s running tasks', 'tenant', ['swarmcraft'], true),
  'open-governed-case': act('opens a governed Orgo Case', 'shared', ['orgo'], false),
} as const satisfies Record<string, EffectRule>;

export type Effect = keyof typeof EFFECTS;
export const EFFECT_NAMES = Object.keys(EFFECTS) as Effect[];

export const isEffect = (s: string): s is Effect => Object.hasOwn(EFFECTS, s);
export const effectRule = (e: Effect): EffectRule => EFFECTS[e];

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** What an action's effects demand together: each gate at its strictest, and the roles owning all of them. */
export type DerivedGates = {
  scopes: Scope[];
  destructive: boolean;
  /** A second person at this severity or more severe; null: none. */
  approvalAt: Severity | null;
  failClosed: boolean;
  /** The roles owning every effect, in §3 order (the IC is implied). */
  roles: Role[];
  /** Set when an effect is a hold: what lifting it does, and whether that fails closed. */
  lift: { effects: Effect[]; failClosed: boolean } | null;
};

export function deriveGates(effects: readonly Effect[]): DerivedGates {
  const rules = effects.map(effectRule);
  const approval = rules.map((r) => r.approvalAt).filter((s): s is Severity => s !== null);
  const lifts = rules.flatMap((r) => (r.liftedBy && isEffect(r.liftedBy) ? [r.liftedBy] : []));
  return {
    scopes: SCOPES.filter((s) => rules.some((r) => r.scope === s)),
    destructive: rules.some((r) => r.destructive),
    approvalAt: approval.length ? SEVERITIES[Math.max(...approval.map(rank))]! : null,
    failClosed: rules.some((r) => r.failClosed),
    roles: ROLES.filter((role) => role !== 'ic' && rules.every((r) => r.roles.includes(role))),
    lift: lifts.length ? { effects: lifts, failClosed: lifts.some((e) => effectRule(e).failClosed) } : null,
  };
}
