// The checklist content is data checked at start-up: the shipped content loads, and a broken copy stops
// the bot with an error naming the file, the item and the rule broken, including rules across files.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { RUNBOOK_DIR, RunbookError } from '../../src/core/runbook/loader.js';
import { compareRefs, findItem, findPlaybook, loadRunbook } from '../../src/core/runbook/checklists.js';

let tmp: string;
let n = 0;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'checklist-test-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh copy of the shipped runbook folder. */
function copy(): string {
  const dir = path.join(tmp, `copy-${++n}`);
  cpSync(RUNBOOK_DIR, dir, { recursive: true });
  return dir;
}

type Data = Record<string, any>;

function edit(file: string, change: (d: Data) => void): string {
  const d = parse(readFileSync(file, 'utf8')) as Data;
  change(d);
  writeFileSync(file, stringify(d));
  return file;
}

const TRIAGE = 'checklists/triage.yaml';
const RECOVERY = 'checklists/recovery.yaml';
const QUICK = 'quick-reference.yaml';
const BAD_RELEASE = 'playbooks/6.1-bad-release.yaml';

function loadError(dir: string): RunbookError {
  try {
    loadRunbook(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(RunbookError);
    return e as RunbookError;
  }
  throw new Error('expected the runbook content to be refused');
}

describe('the shipped checklists', () => {
  it('load: triage, seven playbooks in runbook order, recovery, quick reference', () => {
    const r = loadRunbook();
    expect(r.triage.kind).toBe('triage');
    expect(r.recovery.kind).toBe('recovery');
    expect(r.playbooks.map((p) => `${p.ref} ${p.id}`)).toEqual([
      '6.1 bad-release',
      '6.2 verification-failure',
      '6.3 schema-validation',
      '6.4 reproducibility',
      '6.5 rendering-correctness',
      '6.6 execution',
      '6.7 security-compromise',
    ]);
    expect(r.quickReference.symptoms).toHaveLength(6);
    expect(findItem(r, 'bad-release.rollback-to-lkg')?.checklist.id).toBe('bad-release');
    expect(findItem(r, 'bad-release.nope')).toBeUndefined();
    expect(findPlaybook(r, 'execution')?.ref).toBe('6.6');
  });

  it('load unchanged from a copy (so the broken copies below differ only by their edit)', () => {
    expect(loadRunbook(copy())).toEqual(loadRunbook());
  });

  it('playbooks are ordered by section number, not by file name', () => {
    const dir = copy();
    renameSync(path.join(dir, BAD_RELEASE), path.join(dir, 'playbooks/zz-last-by-name.yaml'));
    expect(loadRunbook(dir).playbooks[0]!.id).toBe('bad-release');
    expect(['6.10', '6.2', '6.1', '6'].sort(compareRefs)).toEqual(['6', '6.1', '6.2', '6.10']);
  });

  it('a playbook may be JSON', () => {
    const dir = copy();
    const file = path.join(dir, 'playbooks/6.6-execution.yaml');
    writeFileSync(path.join(dir, 'playbooks/6.6-execution.json'), JSON.stringify(parse(readFileSync(file, 'utf8'))));
    rmSync(file);
    expect(loadRunbook(dir)).toEqual(loadRunbook());
  });
});

describe('rules across files', () => {
  it('a duplicate id across files (a playbook copied and not renamed) names both files, the ids and the rule', () => {
    const dir = copy();
    const copyFile = path.join(dir, 'playbooks/6.8-copy.yaml');
    cpSync(path.join(dir, BAD_RELEASE), copyFile);
    edit(copyFile, (d) => (d.ref = '6.8'));
    const e = loadError(dir);
    expect(e.message).toContain(`${copyFile}: at id: checklist "bad-release" is already defined in ${path.join(dir, BAD_RELEASE)}`);
    expect(e.message).toContain(
      `${copyFile}: at items.0.id: item "bad-release.pause-auto-activation" is already used in ${path.join(dir, BAD_RELEASE)} (at items.0.id)`,
    );
    expect(e.message).toMatch(/ids must be unique across all runbook files/);
  });

  it('an item id of the triage reused by a playbook named after it is refused, naming triage.yaml', () => {
    const dir = copy();
    const file = path.join(dir, 'playbooks/6.8-triage-again.yaml');
    writeFileSync(
      file,
      stringify({ id: 'triage', ref: '6.8', title: 'Again', goal: 'none.', items: [{ id: 'triage.freeze-automation', text: 'Freeze.' }] }),
    );
    const e = loadError(dir);
    expect(e.message).toContain(
      `${file}: at items.0.id: item "triage.freeze-automation" is already used in ${path.join(dir, TRIAGE)} (at sections.0.items.1.id)`,
    );
  });

  it('two playbooks encoding the same runbook section are refused', () => {
    const dir = copy();
    edit(path.join(dir, 'playbooks/6.7-security-compromise.yaml'), (d) => (d.ref = '6.6'));
    const e = loadError(dir);
    expect(e.message).toMatch(/6\.7-security-compromise\.yaml: at ref: runbook section 6\.6 is already encoded in .*6\.6-execution\.yaml/);
  });

  it('a quick-reference symptom pointing at a missing playbook names the file, the symptom and the rule', () => {
    const dir = copy();
    edit(path.join(dir, QUICK), (d) => (d.symptoms[2].playbook = 'verification-failures'));
    const e = loadError(dir);
    expect(e.message).toContain(
      `${path.join(dir, QUICK)}: at symptoms.2.playbook: symptom "Signature/hash mismatch" points at playbook "verification-failures", which does not exist`,
    );
    expect(e.message).toMatch(/a symptom must point at a playbook \(bad-release, verification-failure, .*security-compromise\)/);
  });

  it('removing a playbook that the quick reference points at is refused', () => {
    const dir = copy();
    rmSync(path.join(dir, 'playbooks/6.6-execution.yaml'));
    const e = loadError(dir);
    expect(e.message).toMatch(/at symptoms\.5\.playbook: symptom "Unsafe execution behavior" points at playbook "execution", which does not exist/);
  });

  it('a secondary playbook ("also") must exist too', () => {
    const dir = copy();
    edit(path.join(dir, QUICK), (d) => (d.symptoms[0].also = ['verification-failure', 'ghost']));
    expect(loadError(dir).message).toMatch(/at symptoms\.0\.also\.1: symptom "Activation failing across a channel" points at playbook "ghost"/);
  });

  it('every broken cross-file rule is reported at once', () => {
    const dir = copy();
    edit(path.join(dir, QUICK), (d) => {
      d.symptoms[0].playbook = 'ghost-1';
      d.symptoms[1].playbook = 'ghost-2';
    });
    expect(loadError(dir).message).toMatch(/breaks 2 rule\(s\)[\s\S]*ghost-1[\s\S]*ghost-2/);
  });
});

describe('rules within a file name the file, the item and the rule', () => {
  it.each<[string, string, (d: Data) => void, RegExp]>([
    [
      'an unknown owner',
      TRIAGE,
      (d) => (d.sections[0].items[1].owner = 'painter'),
      /at sections\.0\.items\.1\.owner: item "triage\.freeze-automation": owner "painter" is not a role; an owner must be one of ic, ops, sec, orgo, konnaxion, architect, swarmcraft/,
    ],
    [
      'an unknown owner in a playbook',
      BAD_RELEASE,
      (d) => (d.items[3].owner = 'Ops'),
      /at items\.3\.owner: item "bad-release\.quarantine-release": owner "Ops" is not a role/,
    ],
    [
      'an item id not prefixed by its checklist',
      RECOVERY,
      (d) => (d.sections[0].items[0].id = 'triage.impact-stopped'),
      /at sections\.0\.items\.0\.id: item "triage\.impact-stopped": an item id must start with "recovery\."/,
    ],
    [
      'an item id repeated within the file',
      BAD_RELEASE,
      (d) => (d.items[4].id = d.items[0].id),
      /at items\.4\.id: item "bad-release\.pause-auto-activation": already used at items\.0; item ids must be unique/,
    ],
    ['an item id not in kebab-case', TRIAGE, (d) => (d.sections[1].items[0].id = 'triage.Impacted_Scope'), /at sections\.1\.items\.0\.id: must be "<checklist id>\.<kebab-case name>"/],
    ['an empty item text', TRIAGE, (d) => (d.sections[2].items[6].text = '  '), /at sections\.2\.items\.6\.text:/],
    ['a misspelt item key', RECOVERY, (d) => (d.sections[0].items[1].ownr = 'ops'), /at sections\.0\.items\.1:.*ownr/],
    ['a playbook without goal', BAD_RELEASE, (d) => delete d.goal, /at goal:/],
    ['a section number written as a YAML number', BAD_RELEASE, (d) => (d.ref = 6.1), /at ref: must be a quoted section number/],
    ['an escalation to a severity that is no escalation', 'playbooks/6.7-security-compromise.yaml', (d) => (d.escalation.severity = 'SEV2'), /at escalation\.severity:/],
    ['an action key not in kebab-case', BAD_RELEASE, (d) => (d.items[0].action = 'Pause Auto Activation'), /at items\.0\.action: must be kebab-case/],
    ['a symptom listed twice', QUICK, (d) => d.symptoms.push({ ...d.symptoms[0], id: 'again' }), /at symptoms\.6\.symptom: symptom "Activation failing across a channel" appears twice/],
    ['a section id repeated', TRIAGE, (d) => (d.sections[2].id = 'stabilize'), /at sections\.2\.id: section "stabilize" appears twice/],
    [
      'a step settled by a fact the bot does not record',
      RECOVERY,
      (d) => (d.sections[0].items[4].settledBy = 'jira-ticket'),
      /at sections\.0\.items\.4\.settledBy: item "recovery\.orgo-case-exists": settledBy "jira-ticket" is not a fact the bot records; it must be one of orgo-case/,
    ],
    ['an owner of unowned steps that is not a role', RECOVERY, (d) => (d.unownedSteps = 'lead'), /at unownedSteps: checklist unownedSteps: must be a role, one of ic, ops/],
  ])('%s', (_what, rel, change, rule) => {
    const dir = copy();
    const file = edit(path.join(dir, rel), change);
    const e = loadError(dir);
    expect(e.message).toContain(`${file}: does not match the runbook schema`);
    expect(e.message).toMatch(rule);
  });

  it('the Orgo Case settles one recovery step only: elsewhere, or twice, is refused', () => {
    const dir = copy();
    edit(path.join(dir, TRIAGE), (d) => (d.sections[1].items[0].settledBy = 'orgo-case'));
    const e = loadError(dir);
    expect(e.message).toContain(`${path.join(dir, TRIAGE)}: at sections.1.items.0.settledBy: item "triage.impacted-scope": only a recovery (§8) step can be settled by "orgo-case"`);
    expect(e.message).toContain('"orgo-case" already settles item "triage.impacted-scope"; one step per fact');
  });

  it('a missing checklist file is named', () => {
    const dir = copy();
    rmSync(path.join(dir, RECOVERY));
    expect(loadError(dir).message).toContain(path.join(dir, RECOVERY));
  });

  it('a missing or empty playbooks folder is refused', () => {
    const dir = copy();
    rmSync(path.join(dir, 'playbooks'), { recursive: true });
    expect(loadError(dir).message).toMatch(new RegExp(`^${path.join(dir, 'playbooks')}: the playbooks folder cannot be read`));
    mkdirSync(path.join(dir, 'playbooks'));
    writeFileSync(path.join(dir, 'playbooks/README.md'), 'notes');
    expect(loadError(dir).message).toBe(`${path.join(dir, 'playbooks')}: holds no playbook file (.yaml, .yml or .json)`);
  });
});
