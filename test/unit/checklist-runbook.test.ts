// The content files encode the runbook faithfully: every `- [ ]` checkbox of §5, §6 and §8 appears,
// verbatim and in order, as an item of the matching checklist and section, and nothing else does.
// The runbook itself is parsed here, so a change to it that the content does not follow fails.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/core/incidents/model.js';
import { allChecklists, loadRunbook } from '../../src/core/runbook/checklists.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RUNBOOK_MD = path.resolve(repoRoot, 'docs/runbook/incident-response.md');

/** Whitespace and curly quotes only: the words must be the runbook's. */
const norm = (s: string) =>
  s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

/** The runbook's top-level sections ("5) Triage …") by number, each with its body. */
function topSections(md: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | null = null;
  for (const line of md.split('\n')) {
    const m = /^(\d+)\)\s/.exec(line);
    if (m) {
      key = m[1]!;
      out.set(key, '');
    } else if (key) {
      out.set(key, `${out.get(key)}${line}\n`);
    }
  }
  return out;
}

/** Subsections ("6.1 Bad release …") of a section body: number -> heading and body. */
function subSections(body: string): Map<string, { heading: string; body: string }> {
  const out = new Map<string, { heading: string; body: string }>();
  let key: string | null = null;
  for (const line of body.split('\n')) {
    const m = /^(\d+\.\d+)\s+(.+)$/.exec(line);
    if (m) {
      key = m[1]!;
      out.set(key, { heading: norm(m[2]!), body: '' });
    } else if (key) {
      out.get(key)!.body += `${line}\n`;
    }
  }
  return out;
}

/** Every checkbox text, whether on its own line or several on one line ("Snapshot: - [ ] a - [ ] b"). */
function checkboxes(body: string): string[] {
  return body
    .split('\n')
    .flatMap((line) => line.split('- [ ]').slice(1))
    .map(norm);
}

const md = readFileSync(RUNBOOK_MD, 'utf8');
const top = topSections(md);
const section = (n: string) => {
  const body = top.get(n);
  if (body === undefined) throw new Error(`${RUNBOOK_MD}: no section ${n})`);
  return body;
};
const runbook = loadRunbook();
const texts = (items: { text: string }[]) => items.map((i) => norm(i.text));

describe('the runbook (parsed from docs/runbook/incident-response.md)', () => {
  it('has 52 checkbox items: 13 in §5, 34 in §6, 5 in §8, none elsewhere', () => {
    expect(checkboxes(section('5'))).toHaveLength(13);
    expect(checkboxes(section('6'))).toHaveLength(34);
    expect(checkboxes(section('8'))).toHaveLength(5);
    expect(checkboxes(md)).toHaveLength(52);
  });
});

describe('the content encodes the runbook faithfully', () => {
  it('holds 52 items in all, 13 triage, 34 across the playbooks, 5 recovery', () => {
    const count = (cs: { sections: { items: unknown[] }[] }[]) =>
      cs.reduce((n, c) => n + c.sections.reduce((m, s) => m + s.items.length, 0), 0);
    expect(count([runbook.triage])).toBe(13);
    expect(count(runbook.playbooks)).toBe(34);
    expect(count([runbook.recovery])).toBe(5);
    expect(count(allChecklists(runbook))).toBe(52);
  });

  it('§5 triage: three sections 5.1, 5.2, 5.3, each with its checkboxes verbatim and in order', () => {
    const subs = subSections(section('5'));
    expect([...subs.keys()]).toEqual(['5.1', '5.2', '5.3']);
    expect(runbook.triage.sections.map((s) => s.ref)).toEqual(['5.1', '5.2', '5.3']);
    for (const s of runbook.triage.sections) {
      const sub = subs.get(s.ref!)!;
      expect(norm(sub.heading), `title of ${s.ref}`).toBe(norm(s.title));
      expect(texts(s.items), `items of ${s.ref}`).toEqual(checkboxes(sub.body));
    }
  });

  it('§5.3: each snapshot is its own step', () => {
    const evidence = runbook.triage.sections[2]!;
    expect(evidence.note).toBe('Snapshot:');
    expect(evidence.items).toHaveLength(7);
    expect(evidence.items.every((i) => i.id.startsWith('triage.snapshot-'))).toBe(true);
  });

  it('§6: one playbook per subsection 6.1–6.7, in order, with its title, goal line and checkboxes', () => {
    const subs = subSections(section('6'));
    expect(runbook.playbooks.map((p) => p.ref)).toEqual([...subs.keys()]);
    expect(runbook.playbooks.map((p) => p.ref)).toEqual(['6.1', '6.2', '6.3', '6.4', '6.5', '6.6', '6.7']);
    for (const p of runbook.playbooks) {
      const sub = subs.get(p.ref)!;
      expect(norm(p.title), `title of ${p.ref}`).toBe(sub.heading);
      const goal = /Goal:\s*(.*?)\s*(?:- \[ \]|\n)/.exec(sub.body)?.[1];
      expect(goal, `goal line of ${p.ref}`).toBeDefined();
      expect(norm(p.goal), `goal of ${p.ref}`).toBe(norm(goal!));
      expect(p.sections).toHaveLength(1);
      expect(texts(p.sections[0]!.items), `items of ${p.ref}`).toEqual(checkboxes(sub.body));
    }
  });

  it('§8 recovery: its checkboxes verbatim and in order', () => {
    expect(texts(runbook.recovery.sections.flatMap((s) => s.items))).toEqual(checkboxes(section('8')));
  });

  it('§10 quick reference: every symptom verbatim with its steps, and nothing else', () => {
    const lines = section('10')
      .split('\n')
      .map((l) => /^- (.+?) → (.+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ symptom: norm(m[1]!), steps: norm(m[2]!) }));
    expect(lines).toHaveLength(6);
    expect(runbook.quickReference.symptoms.map((s) => ({ symptom: norm(s.symptom), steps: norm(s.steps) }))).toEqual(lines);
  });

  it('§10 symptoms point at the playbook whose steps they name', () => {
    const to = Object.fromEntries(runbook.quickReference.symptoms.map((s) => [s.symptom, s.playbook]));
    expect(to).toEqual({
      'Activation failing across a channel': 'bad-release',
      'New release causes crashes': 'bad-release',
      'Signature/hash mismatch': 'verification-failure',
      'Schema validation errors': 'schema-validation',
      'Untraceable rendered facts': 'rendering-correctness',
      'Unsafe execution behavior': 'execution',
    });
  });

  it('escalation notes: §6.2 calls for SEV1 at least (SEV0/SEV1), §6.7 for SEV0, no other playbook', () => {
    const escalations = Object.fromEntries(runbook.playbooks.map((p) => [p.ref, p.escalation?.severity ?? null]));
    expect(escalations).toEqual({ '6.1': null, '6.2': 'SEV1', '6.3': null, '6.4': null, '6.5': null, '6.6': null, '6.7': 'SEV0' });
    expect(runbook.playbooks[1]!.escalation!.when).toMatch(/mismatch persists.*SEV0\/SEV1/);
  });
});

describe('ids and owners', () => {
  const items = allChecklists(runbook).flatMap((c) => c.sections.flatMap((s) => s.items.map((i) => ({ checklist: c.id, ...i }))));

  it('every id is kebab-case, prefixed by its checklist, and unique', () => {
    for (const i of items) expect(i.id).toMatch(new RegExp(`^${i.checklist}\\.[a-z0-9]+(-[a-z0-9]+)*$`));
    expect(new Set(items.map((i) => i.id)).size).toBe(52);
  });

  /** Steps the runbook gives to no one role (scope questions, whole-system checks): anyone may tick them. */
  const UNOWNED = [
    'triage.impacted-scope',
    'triage.failing-stage',
    'triage.impact-kind',
    'schema-validation.identify-expected-version',
    'recovery.impact-stopped',
    'recovery.end-to-end-verification',
    'recovery.monitoring-confirms',
  ];

  it('only the steps the runbook gives to no one role are without owner', () => {
    expect(items.filter((i) => !i.owner).map((i) => i.id)).toEqual(UNOWNED);
  });

  // §3: who owns what. The first rule that matches an owned item's text names its owner.
  const owned = items.filter((i) => !UNOWNED.includes(i.id));
  const rules: [RegExp, Role][] = [
    [/^Assign IC|^Establish incident channel|^Treat as SEV0/, 'ic'],
    [/^(Freeze|Pause|Roll back)|: roll back|LKG active/i, 'ops'],
    [/trust root|keys|revocation|mismatch persists|cross-tenant/i, 'sec'],
    [/Orgo|publish|pinn|canonicalization|toolchain|inputs are identical|validation report/i, 'orgo'],
    [/activation|channel|re-fetch|verification step|distribution/i, 'konnaxion'],
    [/render|template|trace/i, 'architect'],
    [/dispatch|tasks|telemetry|mandate|control-plane/i, 'swarmcraft'],
  ];

  it('every owned step falls under one of the rules below', () => {
    expect(owned.filter((i) => !rules.some(([p]) => p.test(i.text))).map((i) => i.id)).toEqual([]);
  });

  it.each(rules)('items matching %s are owned by %s (runbook §3)', (pattern, role) => {
    const matching = owned.filter((i) => rules.find(([p]) => p.test(i.text))?.[0] === pattern);
    expect(matching.length).toBeGreaterThan(0);
    for (const i of matching) expect(i.owner, `${i.id}: ${i.text}`).toBe(role);
  });

  it('containment steps of the playbooks carry an action key', () => {
    const actions = runbook.playbooks.flatMap((p) => p.sections[0]!.items.filter((i) => i.action).map((i) => i.action));
    expect(actions).toEqual(
      expect.arrayContaining(['pause-auto-activation', 'rollback-to-lkg', 'quarantine-release', 'block-publish', 'halt-dispatch', 'rotate-keys']),
    );
    for (const i of [runbook.triage, runbook.recovery].flatMap((c) => c.sections.flatMap((s) => s.items))) {
      expect(i.action, i.id).toBeUndefined();
    }
  });
});
