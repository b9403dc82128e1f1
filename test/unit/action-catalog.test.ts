// The action catalog is data checked at start-up: the shipped catalog has one entry for every §6 action
// issue 5 lists, each playbook action key maps to an entry, and no configuration can add an action that
// weakens §2 (fail-closed integrity, no canon edits, tenant isolation): a broken copy stops the bot with
// an error naming the file, the entry and the rule.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ACTIONS_FILE, actionsForStep, findAction, loadActionCatalog, prefill } from '../../src/core/actions/catalog.js';
import { DENIED_CAPABILITIES, deniedEffect } from '../../src/core/actions/catalog-schema.js';
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
    expect(a!.executor).toBe('manual');
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

  it('every tenant-scoped action takes exactly one required tenant, prefilled from the incident', () => {
    const scoped = catalog.actions.filter((a) => a.tenantScoped);
    expect(scoped.length).toBeGreaterThan(15);
    for (const a of scoped) {
      const t = a.parameters.find((p) => p.name === 'tenant');
      expect(t, a.id).toMatchObject({ type: 'string', required: true, multiple: false, prefill: 'incident.tenants' });
    }
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

describe('fail-closed: the schema refuses effects that weaken §2', () => {
  // The effects issue 5 and runbook §2 forbid, whatever the code's list says.
  const REQUIRED = [
    'bypass-signature-verification',
    'skip-hash-check',
    'broaden-trust-acceptance',
    'accept-unsigned',
    'edit-canon',
    'hot-edit-canon',
    'disable-validation',
    'cross-tenant',
  ];
  // Each of them, every further deny-listed effect, and spellings a config author might reach for.
  const spellings: [capability: string, denied: string][] = [
    ...[...new Set([...REQUIRED, ...Object.keys(DENIED_CAPABILITIES)])].map((c): [string, string] => [`tenant:${c}`, c]),
    ['bypass-signature-verification', 'bypass-signature-verification'],
    ['BYPASS_SIGNATURE_VERIFICATION', 'bypass-signature-verification'],
    ['tenant:quietly-skip-hash-check-now', 'skip-hash-check'],
    ['shared:Hot Edit Canon', 'hot-edit-canon'],
    ['shared:accept.unsigned', 'accept-unsigned'],
    ['tenant:cross-tenant', 'cross-tenant'],
  ];

  it.each(spellings)('capability "%s" is refused as deny-listed "%s", naming the file, the entry and the rule', (capability, denied) => {
    const { dir, file } = withCatalog((d) => entry(d, 'pause-auto-activation').capabilities.push(capability));
    const msg = loadError(dir);
    expect(msg).toContain(file);
    expect(msg).toContain(`at actions.${0}.capabilities.1: action "pause-auto-activation": capability "${capability}"`);
    expect(msg).toContain(`("${denied}" is deny-listed)`);
    expect(msg).toContain('§2 is fail-closed');
  });

  it('every deny-listed capability is recognised (the table above covers the whole list)', () => {
    for (const c of Object.keys(DENIED_CAPABILITIES)) expect(deniedEffect(c)?.denied, c).toBe(c);
    expect(deniedEffect('tenant:pause-auto-activation')).toBeUndefined();
    expect(deniedEffect('tenant:replace-trust-roots')).toBeUndefined();
  });

  type Bad = [name: string, change: (d: Data) => void, id: string, at: string, rule: string];
  const bad: Bad[] = [
    [
      'a deny-listed value an enum parameter could choose',
      (d) => entry(d, 'isolate-tasks').parameters[1].values.push('skip-hash-check'),
      'isolate-tasks',
      'parameters.1.values.2',
      'value "skip-hash-check" of parameter "mode" bypasses hash verification',
    ],
    ['a deny-listed action id', (d) => (entry(d, 'pin-channel').id = 'accept-unsigned'), 'accept-unsigned', 'id', 'the id "accept-unsigned" accepts unsigned artifacts'],
    [
      'a tenant-scoped effect without a tenant parameter',
      (d) => entry(d, 'rotate-keys').parameters.splice(0, 1),
      'rotate-keys',
      'parameters',
      'a tenant-scoped capability needs a required "tenant" parameter',
    ],
    [
      'a tenant-scoped effect with an optional tenant',
      (d) => (entry(d, 'rotate-keys').parameters[0].required = false),
      'rotate-keys',
      'parameters',
      'a tenant-scoped capability needs a required "tenant" parameter',
    ],
    [
      'a tenant parameter allowing several tenants',
      (d) => (entry(d, 'halt-dispatch').parameters[0].multiple = true),
      'halt-dispatch',
      'parameters.0.multiple',
      'must name exactly one tenant',
    ],
    [
      'a tenant list under another name',
      (d) => entry(d, 'block-publish').parameters.push({ name: 'tenants', label: 'Tenants', type: 'string', required: false, multiple: true }),
      'block-publish',
      'parameters.2.name',
      'parameter "tenants" looks like a tenant',
    ],
    [
      'a tenant chosen from a fixed list',
      (d) => Object.assign(entry(d, 'gate-templates').parameters[0], { type: 'enum', values: ['acme', 'globex'] }),
      'gate-templates',
      'parameters.0.type',
      'the "tenant" parameter must be type: string',
    ],
    [
      'a destructive action nobody need approve',
      (d) => (entry(d, 'rollback-to-lkg').approval = 'none'),
      'rollback-to-lkg',
      'approval',
      'a destructive action needs a second person at SEV1 and above',
    ],
    [
      'a destructive action approved only at SEV0',
      (d) => (entry(d, 'rollback-to-lkg').approval = { secondPersonAtOrAbove: 'SEV0' }),
      'rollback-to-lkg',
      'approval.secondPersonAtOrAbove',
      'secondPersonAtOrAbove may not be SEV0',
    ],
    [
      'a capability without a scope',
      (d) => (entry(d, 'halt-dispatch').capabilities = ['halt-task-dispatch']),
      'halt-dispatch',
      'capabilities.0',
      'must be "<scope>:<effect>"',
    ],
    [
      'an id used twice',
      (d) => (entry(d, 'pin-channel').id = 'pause-auto-activation'),
      'pause-auto-activation',
      'actions.2.id',
      'already defined at actions.0',
    ],
  ];

  it.each(bad)('%s is refused, naming the file, the entry and the rule', (_name, change, id, at, rule) => {
    let index = -1;
    const { dir, file } = withCatalog((d) => {
      index = indexOf(d, id === 'accept-unsigned' ? 'pin-channel' : id);
      change(d);
    });
    const msg = loadError(dir);
    expect(msg).toContain(`${file}: does not match the runbook schema`);
    const where = at.startsWith('actions.') ? at : `actions.${index}.${at}`;
    expect(msg).toContain(`at ${where}: action "${id}": `);
    expect(msg).toContain(rule);
  });

  it('an entry without approval, destructive flag or required flags is refused (nothing defaults to lenient)', () => {
    const { dir } = withCatalog((d) => {
      delete entry(d, 'rotate-keys').destructive;
      delete entry(d, 'rotate-keys').parameters[1].required;
    });
    const msg = loadError(dir);
    expect(msg).toContain('destructive: true or destructive: false');
    expect(msg).toContain('required: true or required: false');
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
