// The runbook model is data checked at start-up: the shipped file must load, and a broken copy
// must stop the bot with a message naming the file and the place in it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROLES, SEVERITIES } from '../../src/core/incidents/model.js';
import { loadIncidentModel, RUNBOOK_DIR, RunbookError } from '../../src/core/runbook/loader.js';

const SHIPPED = path.join(RUNBOOK_DIR, 'incident-model.yaml');

let tmp: string;
let n = 0;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'runbook-test-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Writes a copy of the shipped model, changed by `edit`, into its own directory; returns the file. */
function brokenCopy(edit: (m: Record<string, any>) => void): { dir: string; file: string } {
  const m = parse(readFileSync(SHIPPED, 'utf8')) as Record<string, any>;
  edit(m);
  const dir = path.join(tmp, `copy-${++n}`);
  mkdirSync(dir);
  const file = path.join(dir, 'incident-model.yaml');
  writeFileSync(file, stringify(m));
  return { dir, file };
}

function loadError(dir: string): RunbookError {
  try {
    loadIncidentModel(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(RunbookError);
    return e as RunbookError;
  }
  throw new Error('expected the runbook model to be refused');
}

describe('the shipped runbook model', () => {
  it('loads, with every severity, role and area of the runbook', () => {
    const m = loadIncidentModel();
    expect(Object.keys(m.severities).sort()).toEqual([...SEVERITIES]);
    expect(Object.keys(m.roles).sort()).toEqual([...ROLES].sort());
    expect(m.escalation.floor).toBe('SEV1');
    expect(m.alwaysRequired).toEqual(['ic', 'ops']);
    expect(m.severities.SEV0).toMatch(/compromise/i);
    expect(m.roles.ic.name).toBe('Incident Commander');
    expect(m.areas.trust_roots_keys.integrityRisk).toBe(true);
    expect(m.areas.tenant_isolation.integrityRisk).toBe(true);
    expect(m.areas.rendering.integrityRisk).toBe(false);
  });

  it('loads unchanged from a copy (so the broken copies below differ only by their edit)', () => {
    const { dir } = brokenCopy(() => {});
    expect(loadIncidentModel(dir)).toEqual(loadIncidentModel());
  });
});

describe('a broken runbook model is refused, naming the file and the place', () => {
  it.each<[string, (m: Record<string, any>) => void, RegExp]>([
    ['a missing severity', (m) => delete m.severities.SEV2, /at severities\.SEV2:/],
    ['an empty severity definition', (m) => (m.severities.SEV3 = '  '), /at severities\.SEV3:/],
    ['an unknown role key', (m) => (m.roles.scribe = { name: 'Scribe', duty: 'Takes notes.' }), /at roles:.*scribe/],
    ['a missing role', (m) => delete m.roles.konnaxion, /at roles\.konnaxion:/],
    ['an area led by an unknown role', (m) => (m.areas.rendering.lead = 'painter'), /at areas\.rendering\.lead:/],
    ['an unknown area', (m) => (m.areas.billing = { label: 'Billing', detail: 'Invoices', lead: 'ops' }), /at areas:.*billing/],
    ['an escalation floor that is no severity', (m) => (m.escalation.floor = 'SEV9'), /at escalation\.floor:/],
    ['always-required roles without the IC', (m) => (m.alwaysRequired = ['ops']), /at alwaysRequired:/],
    ['a misspelt top-level key', (m) => (m.aeras = m.areas), /at \(top\):.*aeras/],
  ])('%s', (_what, edit, place) => {
    const { dir, file } = brokenCopy(edit);
    const e = loadError(dir);
    expect(e.name).toBe('RunbookError');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(place);
  });

  it('a file that is not YAML', () => {
    const dir = path.join(tmp, 'not-yaml');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'incident-model.yaml'), 'severities: [unclosed\n  SEV0: "x"\n');
    const e = loadError(dir);
    expect(e.message).toContain(path.join(dir, 'incident-model.yaml'));
    expect(e.message).toMatch(/YAML/);
  });

  it('a missing file', () => {
    const dir = path.join(tmp, 'empty');
    mkdirSync(dir);
    const e = loadError(dir);
    expect(e.message).toContain(path.join(dir, 'incident-model.yaml'));
  });
});
