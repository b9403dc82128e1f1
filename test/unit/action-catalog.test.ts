// The action catalog is data checked at start-up: the shipped catalog has one entry for every §6 action
// issue 5 lists, each playbook action key maps to an entry, and each entry declares what it does as
// effects from the code's closed vocabulary. No file can weaken §2 (fail-closed integrity, no canon
// edits, tenant isolation): every weakening issue 12 tried is refused with an error naming the file,
// the entry and the rule.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ACTIONS_FILE, actionsForStep, findAction, loadActionCatalog, prefill } from '../../src/core/actions/catalog.js';
import { deriveGates, EFFECT_NAMES, EFFECTS, isEffect } from '../../src/core/actions/effects.js';
import type { Incident } from '../../src/core/incidents/model.js';
import { findItem, loadRunbook } from '../../src/core/runbook/checklists.js';
import { RUNBOOK_DIR, RunbookError } from '../../src/core/runbook/loader.js';

let tmp: string;
let n = 0;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'action-catalog-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Data = Record<string, any>;

/** A copy of the shipped runbook folder with actions.yaml edited; returns the folder and the file. */
function withCatalog(change: (d: Data) => void): { dir: string; file: string } {
  const dir = path.join(tmp, `copy-${++n}`);
  cpSync(RUNBOOK_DIR, dir, { recursive: true });
  const file = path.join(dir, ACTIONS_FILE);
  const d = parse(readFileSync(file, 'utf8')) as Data;
  change(d);
  writeFileSync(file, stringify(d));
  return { dir, file };
}

const entry = (d: Data, id: string): Data => {
  const e = (d.actions as Data[]).find((a) => a.id === id);
  if (!e) throw new Error(`no entry ${id} in the shipped catalog`);
  return e;
};
const indexOf = (d: Data, id: string): number => (d.actions as Data[]).findIndex((a) => a.id === id);

function loadError(dir: string): string {
  try {
    loadActionCatalog(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(RunbookError);
    return (e as Error).message;
  }
  throw new Error('expected the action catalog to be refused');
}

/** Issue 5 §1, action by action: the runbook section, the issue's words, the catalog id. */
const ISSUE_ACTIONS: [ref: string, words: string, id: string][] = [
  ['6.1', 'pause auto-activation', 'pause-auto-activation'],
  ['6.1', 'roll back to last-known-good', 'rollback-to-lkg'],
  ['6.1', 'pin channel to a release', 'pin-channel'],
  ['6.1', 'quarantine release', 'quarantine-release'],
  ['6.1', 'open a governed Orgo Case', 'open-orgo-case'],
  ['6.2', 're-fetch via a trusted path', 'refetch-trusted-path'],
  ['6.2', 'quarantine artifacts', 'quarantine-artifacts'],
  ['6.2', 'deploy corrected tenant-scoped trust roots', 'deploy-trust-roots'],
  ['6.3', 'block publish at the Orgo gate', 'block-publish'],
  ['6.3', 'roll back consumer deployment', 'rollback-consumer'],
  ['6.4', 'block publish until determinism is restored', 'block-publish'],
  ['6.5', 'gate templates/models for tenants', 'gate-templates'],
  ['6.5', 'switch to safe rendering mode', 'safe-rendering-mode'],
  ['6.5', 'roll back template/model bundle', 'rollback-template-bundle'],
  ['6.6', 'halt dispatch for task types/queues', 'halt-dispatch'],
  ['6.6', 'isolate/cancel running tasks', 'isolate-tasks'],
  ['6.7', 'freeze publish/activation', 'freeze-publish-activation'],
  ['6.7', 'lock down trust root stores', 'lock-down-trust-stores'],
  ['6.7', 'rotate keys per tenant/environment', 'rotate-keys'],
  ['6.7', 'publish revocations', 'publish-revocations'],
];

describe('the shipped catalog', () => {
  const catalog = loadActionCatalog();
  const runbook = loadRunbook();

  it('loads, with approvals expiring after 15 minutes', () => {
    expect(catalog.approvalExpiryMs).toBe(15 * 60_000);
    expect(catalog.actions.length).toBe(new Set(ISSUE_ACTIONS.map(([, , id]) => id)).size);
  });

  it.each(ISSUE_ACTIONS)('§%s "%s" is action %s, belonging to that playbook', (ref, _words, id) => {
    const a = findAction(catalog, id);
    expect(a, id).toBeDefined();
    expect(a!.refs).toContain(ref);
  });

  it('every playbook item with an action key maps to the entry of that id, which runs from the item', () => {
    const keyed = runbook.playbooks.flatMap((p) => p.sections.flatMap((s) => s.items)).filter((i) => i.action);
    expect(keyed.length).toBeGreaterThan(10);
    for (const item of keyed) {
      const a = findAction(catalog, item.action!);
      expect(a, item.id).toBeDefined();
      expect(a!.steps).toContain(item.id);
      expect(actionsForStep(catalog, item)[0]!.id).toBe(item.action);
    }
    // Steps without a key of their own still get their action.
    const step = (id: string) => findItem(runbook, id)!.item;
    expect(actionsForStep(catalog, step('bad-release.open-orgo-case')).map((a) => a.id)).toEqual(['open-orgo-case']);
    expect(actionsForStep(catalog, step('security-compromise.rotate-keys')).map((a) => a.id)).toEqual(['rotate-keys', 'publish-revocations']);
    expect(actionsForStep(catalog, step('rendering-correctness.rollback-template-bundle')).map((a) => a.id)).toEqual(['rollback-template-bundle', 'open-orgo-case']);
    expect(actionsForStep(catalog, step('execution.capture-audit'))).toEqual([]);
  });

  it('rollbacks, quarantines, key rotation and revocations are destructive; freezes, pauses and holds are liftable', () => {
    const destructive = catalog.actions.filter((a) => a.destructive).map((a) => a.id);
    expect(destructive).toEqual(
      expect.arrayContaining(['rollback-to-lkg', 'rollback-consumer', 'rollback-template-bundle', 'quarantine-release', 'quarantine-artifacts', 'rotate-keys', 'publish-revocations']),
    );
    expect(destructive).not.toContain('pause-auto-activation');
    expect(destructive).not.toContain('freeze-publish-activation');
    for (const id of ['pause-auto-activation', 'block-publish', 'halt-dispatch', 'freeze-publish-activation', 'safe-rendering-mode']) {
      expect(findAction(catalog, id)!.liftable?.title, id).toBeTruthy();
    }
    for (const a of catalog.actions.filter((x) => x.destructive)) {
      expect(a.approval, a.id).toEqual({ secondPersonAtOrAbove: 'SEV1' });
    }
  });

  it('every action acting inside a tenant takes exactly one required tenant, typed so its value is checked against the incident', () => {
    const scoped = catalog.actions.filter((a) => a.scopes.some((x) => x !== 'shared'));
    expect(scoped.length).toBe(17);
    for (const a of scoped) {
      const t = a.parameters.filter((p) => p.type === 'tenant');
      expect(t, a.id).toEqual([expect.objectContaining({ name: 'tenant', required: true, multiple: false })]);
    }
    expect(catalog.actions.filter((a) => !scoped.includes(a)).map((a) => a.id)).toEqual(['open-orgo-case', 'block-publish']);
  });

  it('prefills a tenant only when the incident has exactly one, and lists the incident values to choose from', () => {
    const a = findAction(catalog, 'pause-auto-activation')!;
    const incident = { tenants: ['acme'], channels: ['stable', 'beta'], environments: [] } as unknown as Incident;
    expect(prefill(a, incident)).toEqual({
      tenant: { value: 'acme', options: ['acme'] },
      channel: { value: ['stable', 'beta'], options: ['stable', 'beta'] },
      environment: { options: [] },
    });
    const two = { ...incident, tenants: ['acme', 'globex'] } as Incident;
    expect(prefill(a, two).tenant).toEqual({ options: ['acme', 'globex'] });
  });
});

describe('gates follow from the effects of the shipped catalog', () => {
  const catalog = loadActionCatalog();
  const a = (id: string) => findAction(catalog, id)!;

  it('rotating keys is destructive, evidence first, approved at SEV1, and owned by Security alone', () => {
    expect(a('rotate-keys')).toMatchObject({ effects: ['rotate-key'], destructive: true, approval: { secondPersonAtOrAbove: 'SEV1' }, roles: ['sec'], scopes: ['environment'] });
  });

  it('a freeze is a hold whose lift fails closed; a pin is a hold whose lift does not', () => {
    expect(a('freeze-publish-activation')).toMatchObject({ destructive: false, approval: 'none', roles: ['ops'], liftable: { effects: ['unfreeze-publish', 'unfreeze-activation'], failClosed: true } });
    expect(a('quarantine-artifacts').liftable).toMatchObject({ effects: ['unquarantine-artifact'], failClosed: true });
    expect(a('pin-channel').liftable).toMatchObject({ effects: ['unpin-release'], failClosed: false });
  });

  it('the file narrows roles but the effects bound them', () => {
    expect(a('quarantine-release').roles).toEqual(['ops', 'konnaxion']);
    expect(a('quarantine-artifacts').roles).toEqual(['sec', 'konnaxion']);
  });
});

describe('the vocabulary', () => {
  it('every destructive effect needs a second person at SEV1 or earlier, and every hold names a lift in the vocabulary', () => {
    for (const name of EFFECT_NAMES) {
      const rule = EFFECTS[name];
      if (rule.destructive) expect(rule.approvalAt, name).toBe('SEV1');
      if ('liftedBy' in rule) expect(isEffect(rule.liftedBy as string), name).toBe(true);
      expect(rule.roles.length, name).toBeGreaterThan(0);
    }
  });

  it('has no word for a verification bypass, a canon edit or an effect across tenants', () => {
    const words = EFFECT_NAMES.join(' ');
    for (const w of ['verif', 'signature', 'hash', 'canon', 'trust-any', 'unsigned', 'all-tenant', 'every-tenant', 'cross']) expect(words).not.toContain(w);
    expect(EFFECT_NAMES.filter((e) => EFFECTS[e].scope === 'shared')).toEqual(['hold-publish-gate', 'release-publish-gate', 'open-governed-case']);
  });

  it('an action gets the strictest gate of its effects and the roles owning all of them', () => {
    expect(deriveGates(['freeze-publish', 'rollback-to-lkg'])).toEqual({
      scopes: ['channel'],
      destructive: true,
      approvalAt: 'SEV1',
      failClosed: false,
      roles: ['ops'],
      lift: { effects: ['unfreeze-publish'], failClosed: true },
    });
    expect(deriveGates(['open-governed-case'])).toMatchObject({ scopes: ['shared'], destructive: false, approvalAt: null, roles: ['orgo'], lift: null });
  });
});

describe('fail-closed: a catalog that weakens a gate is refused at load', () => {
  // Issue 12, D3: capabilities a deny-list of exact words let through; none is an effect.
  it.each([
    'disable-verification',
    'ignore-signature-failures',
    'trust-any-signing-key',
    'allow-unsigned-packs',
    'rewrite-canon',
    'patch-canon-in-place',
    'apply-to-every-tenant',
    // D4: a hold relabelled as shared.
    'shared:pause-auto-activation',
    'tenant:freeze-publish',
  ])('effect "%s" is not in the vocabulary: refused, naming the file, the entry and the rule', (effect) => {
    const { dir, file } = withCatalog((d) => entry(d, 'pause-auto-activation').effects.push(effect));
    const msg = loadError(dir);
    expect(msg).toContain(`${file}: does not match the runbook schema`);
    expect(msg).toContain(`at actions.0.effects.1: action "pause-auto-activation": "${effect}" is not an effect the code knows`);
    expect(msg).toContain('nothing may bypass verification, edit canon or act across tenants');
  });

  type Bad = [name: string, change: (d: Data) => void, id: string, at: string, rule: string];
  const bad: Bad[] = [
    // Issue 12: configuration weakening gates.
    ['rotate-keys declared not destructive', (d) => (entry(d, 'rotate-keys').destructive = false), 'rotate-keys', 'destructive', 'effect "rotate-key" is destructive'],
    ['rotate-keys with no approval', (d) => (entry(d, 'rotate-keys').approval = 'none'), 'rotate-keys', 'approval', 'needs a second person at SEV1 and above; approval: none is refused'],
    [
      'a destructive action approved only at SEV0',
      (d) => (entry(d, 'rollback-to-lkg').approval = { secondPersonAtOrAbove: 'SEV0' }),
      'rollback-to-lkg',
      'approval.secondPersonAtOrAbove',
      'secondPersonAtOrAbove may not be SEV0',
    ],
    [
      'a role added to deploy-trust-roots',
      (d) => (entry(d, 'deploy-trust-roots').roles = ['sec', 'ops']),
      'deploy-trust-roots',
      'roles.1',
      'role "ops" does not own effect "deploy-tenant-trust-roots" (owned by sec); the file may narrow the roles that request an action, never add one',
    ],
    ['an executor chosen in the catalog', (d) => (entry(d, 'halt-dispatch').executor = 'manual'), 'halt-dispatch', 'executor', 'ACTION_WEBHOOK_ACTIONS names the actions sent to the webhook'],
    ['capabilities instead of effects', (d) => (entry(d, 'halt-dispatch').capabilities = ['tenant:halt-task-dispatch']), 'halt-dispatch', 'capabilities', 'declare what the action does as effects'],
    // D4: relabelled as shared, the tenant dropped, a list of customers added.
    [
      'pause-auto-activation without its tenant',
      (d) => (entry(d, 'pause-auto-activation').parameters = entry(d, 'pause-auto-activation').parameters.filter((p: Data) => p.type !== 'tenant')),
      'pause-auto-activation',
      'parameters',
      'its effects act inside one tenant, so it needs a required parameter of type tenant',
    ],
    [
      'a free-form list of customers',
      (d) => entry(d, 'pause-auto-activation').parameters.push({ name: 'customers', label: 'Customers', type: 'string', required: false, multiple: true }),
      'pause-auto-activation',
      'parameters.3.name',
      'parameter "customers" names scope, so it must be typed tenant, channel or environment',
    ],
    [
      'a free-form list on a shared action',
      (d) => entry(d, 'block-publish').parameters.push({ name: 'pipelines', label: 'Pipelines', type: 'string', required: false, multiple: true }),
      'block-publish',
      'parameters.2.multiple',
      'a free-form list on shared infrastructure',
    ],
    ['a channel as free text', (d) => (entry(d, 'freeze-publish-activation').parameters[1].type = 'string'), 'freeze-publish-activation', 'parameters.1.name', 'parameter "channel" names scope'],
    ['a tenant parameter allowing several tenants', (d) => (entry(d, 'halt-dispatch').parameters[0].multiple = true), 'halt-dispatch', 'parameters.0.multiple', 'must name exactly one tenant'],
    [
      'two tenant parameters',
      (d) => entry(d, 'halt-dispatch').parameters.push({ name: 'target', label: 'Target', type: 'tenant', required: false }),
      'halt-dispatch',
      'parameters',
      'at most one tenant parameter',
    ],
    ['a hold without its lift', (d) => delete entry(d, 'halt-dispatch').liftable, 'halt-dispatch', 'liftable', 'stays in force until lifted'],
    ['effects no role owns together', (d) => (entry(d, 'halt-dispatch').effects = ['freeze-dispatch', 'rotate-key']), 'halt-dispatch', 'effects', 'no role owns all of freeze-dispatch, rotate-key'],
    ['an id used twice', (d) => (entry(d, 'pin-channel').id = 'pause-auto-activation'), 'pause-auto-activation', 'actions.2.id', 'already defined at actions.0'],
  ];

  it.each(bad)('%s is refused, naming the file, the entry and the rule', (_name, change, id, at, rule) => {
    let index = -1;
    const { dir, file } = withCatalog((d) => {
      index = indexOf(d, id === 'pause-auto-activation' && at.startsWith('actions.') ? 'pin-channel' : id);
      change(d);
    });
    const msg = loadError(dir);
    expect(msg).toContain(`${file}: does not match the runbook schema`);
    const where = at.startsWith('actions.') ? at : `actions.${index}.${at}`;
    expect(msg).toContain(`at ${where}: action "${id}": `);
    expect(msg).toContain(rule);
  });

  it.each([120, 31, 4, 7.5])('approval expiry of %s minutes is refused: approvals last 5 to 30 minutes', (minutes) => {
    const { dir, file } = withCatalog((d) => (d.approvalExpiryMinutes = minutes));
    const msg = loadError(dir);
    expect(msg).toContain(`${file}: does not match the runbook schema`);
    expect(msg).toMatch(/at approvalExpiryMinutes: must be (at most 30|at least 5|whole minutes)/);
  });

  it('stricter is allowed: fewer roles, an earlier approval, destructive on a hold', () => {
    const { dir } = withCatalog((d) => {
      entry(d, 'halt-dispatch').roles = ['swarmcraft'];
      Object.assign(entry(d, 'pause-auto-activation'), { destructive: true, approval: { secondPersonAtOrAbove: 'SEV2' } });
    });
    const c = loadActionCatalog(dir);
    expect(findAction(c, 'halt-dispatch')!.roles).toEqual(['swarmcraft']);
    expect(findAction(c, 'pause-auto-activation')).toMatchObject({ destructive: true, approval: { secondPersonAtOrAbove: 'SEV2' } });
  });

  it('a parameter without its required flag is refused (nothing defaults to lenient)', () => {
    const { dir } = withCatalog((d) => delete entry(d, 'rotate-keys').parameters[1].required);
    expect(loadError(dir)).toContain('required: true or required: false');
  });
});

describe('the catalog against the playbooks', () => {
  it('a playbook action key without an entry names the item and the rule', () => {
    const { dir, file } = withCatalog((d) => d.actions.splice(indexOf(d, 'halt-dispatch'), 1));
    const msg = loadError(dir);
    expect(msg).toContain(`${file}: playbook §6.6 item "execution.halt-dispatch" names action "halt-dispatch", which the catalog does not define`);
  });

  it('an entry that carries out no runbook step is refused', () => {
    const { dir, file } = withCatalog((d) =>
      d.actions.push({ ...entry(d, 'pause-auto-activation'), id: 'pause-everything', refs: ['6.1'] }),
    );
    const msg = loadError(dir);
    expect(msg).toContain(`${file}: at actions.19: action "pause-everything": no playbook item is keyed to it and it names no steps`);
  });

  it('refs must be exactly the playbooks of the action\'s steps', () => {
    const { dir, file } = withCatalog((d) => {
      entry(d, 'block-publish').refs = ['6.3'];
      entry(d, 'halt-dispatch').refs = ['6.6', '6.7'];
    });
    const msg = loadError(dir);
    expect(msg).toContain(`${file}: at actions.8.refs: action "block-publish": playbook §6.4 item "reproducibility.block-publish" is keyed to it, so its refs must include "6.4"`);
    expect(msg).toContain('action "halt-dispatch": ref "6.7" has none of its steps');
  });

  it('the role owning a keyed playbook step must be able to request its action', () => {
    const { dir } = withCatalog((d) => (entry(d, 'rollback-template-bundle').roles = ['architect']));
    expect(loadError(dir)).toContain(
      'action "rollback-template-bundle": role "ops" owns playbook item "rendering-correctness.rollback-template-bundle" and must be able to request its action',
    );
  });

  it('a named step must be an item of a §6 playbook', () => {
    const { dir } = withCatalog((d) => (entry(d, 'open-orgo-case').steps = ['recovery.orgo-case-exists']));
    expect(loadError(dir)).toContain('action "open-orgo-case": step "recovery.orgo-case-exists" is not an item of a §6 playbook');
  });

  it('the evidence-first gate needs the §5.3 section: without it the catalog refuses to load', () => {
    const dir = path.join(tmp, `copy-${++n}`);
    cpSync(RUNBOOK_DIR, dir, { recursive: true });
    const triage = path.join(dir, 'checklists/triage.yaml');
    writeFileSync(triage, readFileSync(triage, 'utf8').replace('id: preserve-evidence', 'id: keep-evidence'));
    expect(loadError(dir)).toContain('the triage checklist has no "preserve-evidence" section');
  });
});
