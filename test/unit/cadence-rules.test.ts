// Due-time rules for §7.1 status updates, as pure functions: the cadence comes from runbook data,
// the time comes in and a time goes out.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstJobs, MINUTE, SETUP_JOB, nextReminder, OPEN_STATUSES, rescheduleUpdate, TRIAGE_JOB, UPDATE_JOB, updateDue, updateEvery } from '../../src/core/cadence/rules.js';
import { loadCadence, type Cadence } from '../../src/core/cadence/schema.js';
import { STATUSES, type IncidentState, type Severity, type Status } from '../../src/core/incidents/model.js';
import { RUNBOOK_DIR } from '../../src/core/runbook/loader.js';

/** The reminder jobs, leaving out the channel set-up's safety net. */
const cadenceJobs = (jobs: ReturnType<typeof firstJobs>) => jobs.filter((j) => j.kind !== SETUP_JOB);

const cadence = loadCadence();
const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number, seconds = 0) => new Date(T0.getTime() + minutes * MINUTE + seconds * 1000);

function state(over: { severity?: Severity; status?: Status; declaredAt?: Date; lastUpdateAt?: Date | null } = {}): IncidentState {
  return {
    incident: {
      id: '00000000-0000-4000-8000-000000000001',
      workspaceId: '00000000-0000-4000-8000-000000000002',
      number: 1,
      title: 'Bad pack activated on stable',
      severity: over.severity ?? 'SEV2',
      status: over.status ?? 'declared',
      areas: ['distribution_activation'],
      tenants: [],
      channels: [],
      environments: [],
      integrityUncertain: false,
      roomId: 'C_INC1',
      roomName: 'inc-1',
      originRoomId: null,
      declaredBy: 'U_IC',
      declaredAt: over.declaredAt ?? T0,
      lastUpdateAt: over.lastUpdateAt ?? null,
      updatesMissed: 0,
      seq: 0,
      orgoCaseUrl: null,
      resolvedAt: null,
    },
    holders: [],
    checklists: [],
    items: {},
    jobs: [],
    postmortem: null,
    followups: [],
  actions: [],
  posted: {},
  };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A directory holding only a changed cadence.yaml, to show the cadence is data. */
function runbookWithCadence(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cadence-'));
  tempDirs.push(dir);
  writeFileSync(path.join(dir, 'cadence.yaml'), yaml);
  return dir;
}

describe('the cadence as runbook data (§7.1)', () => {
  it('matches the runbook: SEV0/SEV1 every 15 minutes, SEV2 every 30, SEV3/SEV4 as needed', () => {
    expect(cadence.updateEveryMinutes).toEqual({ SEV0: 15, SEV1: 15, SEV2: 30, SEV3: null, SEV4: null });
    expect(updateEvery(cadence, 'SEV0')).toBe(15 * MINUTE);
    expect(updateEvery(cadence, 'SEV1')).toBe(15 * MINUTE);
    expect(updateEvery(cadence, 'SEV2')).toBe(30 * MINUTE);
    expect(updateEvery(cadence, 'SEV3')).toBeNull();
    expect(updateEvery(cadence, 'SEV4')).toBeNull();
    expect(cadence.triageReminderMinutes).toBe(10);
    expect(cadence.mitigationOptions).toEqual(['freeze', 'rollback', 'quarantine', 'none']);
  });

  it('follows the file, not constants in code: a changed cadence.yaml changes the due times', () => {
    const original = readFileSync(path.join(RUNBOOK_DIR, 'cadence.yaml'), 'utf8');
    const changed = original.replace('SEV1: 15', 'SEV1: 7').replace('SEV3: null', 'SEV3: 120').replace('triageReminderMinutes: 10', 'triageReminderMinutes: 4');
    expect(changed).not.toBe(original);
    const custom = loadCadence(runbookWithCadence(changed));
    expect(updateDue(custom, 'SEV1', T0)).toEqual(at(7));
    expect(updateDue(custom, 'SEV3', T0)).toEqual(at(120));
    expect(cadenceJobs(firstJobs(custom, 'SEV3', T0))).toEqual([
      { kind: UPDATE_JOB, dueAt: at(120) },
      { kind: TRIAGE_JOB, dueAt: at(4) },
    ]);
  });

  it.each([
    ['a missing severity', (y: string) => y.replace(/\n  SEV2: 30/, '')],
    ['a zero cadence', (y: string) => y.replace('SEV0: 15', 'SEV0: 0')],
    ['an unknown key', (y: string) => `${y}\nupdateEverySeconds: 5\n`],
    ['no mitigation options', (y: string) => y.replace('mitigationOptions: [freeze, rollback, quarantine, none]', 'mitigationOptions: []')],
  ])('refuses a cadence file with %s at start-up', (_name, edit) => {
    const original = readFileSync(path.join(RUNBOOK_DIR, 'cadence.yaml'), 'utf8');
    const bad = edit(original);
    expect(bad).not.toBe(original);
    expect(() => loadCadence(runbookWithCadence(bad))).toThrow(/cadence\.yaml: does not match the runbook schema/);
  });
});

describe('updateDue and firstJobs', () => {
  it('schedules the channel set-up safety net two minutes after declaration, whatever the severity', () => {
    for (const sev of ['SEV0', 'SEV2', 'SEV4'] as const) expect(firstJobs(cadence, sev, T0)[0]).toEqual({ kind: SETUP_JOB, dueAt: at(2) });
  });

  it('puts the next update one cadence after the last update (or the declaration)', () => {
    expect(updateDue(cadence, 'SEV1', T0)).toEqual(at(15));
    expect(updateDue(cadence, 'SEV1', at(7, 30))).toEqual(at(22, 30));
    expect(updateDue(cadence, 'SEV2', at(7, 30))).toEqual(at(37, 30));
    expect(updateDue(cadence, 'SEV3', at(7))).toBeNull();
    expect(updateDue(cadence, 'SEV4', at(7))).toBeNull();
  });

  it('starts a SEV1 with its first update due at +15 min and the §5 triage reminder at +10 min', () => {
    expect(cadenceJobs(firstJobs(cadence, 'SEV1', T0))).toEqual([
      { kind: UPDATE_JOB, dueAt: at(15) },
      { kind: TRIAGE_JOB, dueAt: at(10) },
    ]);
    expect(cadenceJobs(firstJobs(cadence, 'SEV0', T0))[0]).toEqual({ kind: UPDATE_JOB, dueAt: at(15) });
    expect(cadenceJobs(firstJobs(cadence, 'SEV2', T0))[0]).toEqual({ kind: UPDATE_JOB, dueAt: at(30) });
  });

  it.each(['SEV3', 'SEV4'] as const)('gives a %s the triage reminder but no update reminder', (severity) => {
    expect(cadenceJobs(firstJobs(cadence, severity, T0))).toEqual([{ kind: TRIAGE_JOB, dueAt: at(10) }]);
  });
});

describe('nextReminder (downtime and late ticks)', () => {
  const every = 15 * MINUTE;

  it('schedules the next reminder one cadence after the due one when the tick is on time or slightly late', () => {
    expect(nextReminder(at(15), every, at(15))).toEqual(at(30));
    expect(nextReminder(at(15), every, at(15, 12))).toEqual(at(30));
    expect(nextReminder(at(15), every, at(29, 59))).toEqual(at(30));
  });

  it('after two hours of downtime puts the next reminder on the cadence grid after now, not in the past', () => {
    // Due at +15, the bot comes back at +135 min 1 s: one reminder now, the next at +150 (15 + 9 × 15).
    const now = at(135, 1);
    const next = nextReminder(at(15), every, now);
    expect(next).toEqual(at(150));
    expect(next.getTime()).toBeGreaterThan(now.getTime());
    expect((next.getTime() - at(15).getTime()) % every).toBe(0);
  });

  it('never returns a time at or before now, and never skips a whole cadence, whatever the delay', () => {
    for (let delaySeconds = 0; delaySeconds <= 5 * 60 * 60; delaySeconds += 37) {
      const due = at(15);
      const now = new Date(due.getTime() + delaySeconds * 1000);
      const next = nextReminder(due, every, now);
      expect(next.getTime()).toBeGreaterThan(now.getTime());
      expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(every);
      expect((next.getTime() - due.getTime()) % every).toBe(0);
    }
  });

  it('at exactly a grid point moves on to the following one', () => {
    expect(nextReminder(at(15), every, at(45))).toEqual(at(60));
  });
});

describe('rescheduleUpdate (severity changes)', () => {
  it('raising SEV2 to SEV1 forty minutes after the last update makes the reminder due at once', () => {
    const s = state({ severity: 'SEV2', lastUpdateAt: at(0) });
    const now = at(40);
    const r = rescheduleUpdate(cadence, s, 'SEV1');
    expect(r.cancel).toEqual([UPDATE_JOB]);
    expect(r.schedule).toEqual([{ kind: UPDATE_JOB, dueAt: at(15) }]);
    expect(r.schedule![0]!.dueAt.getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it('counts from the declaration when no update has been posted yet', () => {
    const s = state({ severity: 'SEV2', declaredAt: at(0), lastUpdateAt: null });
    expect(rescheduleUpdate(cadence, s, 'SEV1').schedule).toEqual([{ kind: UPDATE_JOB, dueAt: at(15) }]);
  });

  it('counts from the last update, not the declaration, when there is one', () => {
    const s = state({ severity: 'SEV1', declaredAt: at(0), lastUpdateAt: at(20) });
    expect(rescheduleUpdate(cadence, s, 'SEV2').schedule).toEqual([{ kind: UPDATE_JOB, dueAt: at(50) }]);
  });

  it.each(['SEV3', 'SEV4'] as const)('lowering SEV1 to %s cancels the reminder and schedules none', (to) => {
    const r = rescheduleUpdate(cadence, state({ severity: 'SEV1', lastUpdateAt: at(0) }), to);
    expect(r).toEqual({ cancel: [UPDATE_JOB], schedule: [] });
  });

  it('raising SEV3 to SEV1 starts reminders', () => {
    expect(rescheduleUpdate(cadence, state({ severity: 'SEV3' }), 'SEV1').schedule).toEqual([{ kind: UPDATE_JOB, dueAt: at(15) }]);
  });

  it.each(['resolved', 'closed'] as const)('schedules nothing for a %s incident', (status) => {
    const r = rescheduleUpdate(cadence, state({ severity: 'SEV2', status }), 'SEV0');
    expect(r).toEqual({ cancel: [UPDATE_JOB], schedule: [] });
  });

  it('treats declared, investigating and mitigated as open, resolved and closed as not', () => {
    expect(STATUSES.filter((s) => OPEN_STATUSES.has(s))).toEqual(['declared', 'investigating', 'mitigated']);
  });
});

describe('a cadence other than the shipped one', () => {
  it('drives every rule from the object passed in', () => {
    const custom: Cadence = { ...cadence, updateEveryMinutes: { SEV0: 5, SEV1: 10, SEV2: 20, SEV3: 60, SEV4: null } };
    expect(updateDue(custom, 'SEV0', T0)).toEqual(at(5));
    expect(rescheduleUpdate(custom, state({ severity: 'SEV4' }), 'SEV3').schedule).toEqual([{ kind: UPDATE_JOB, dueAt: at(60) }]);
    expect(cadenceJobs(firstJobs(custom, 'SEV4', T0))).toEqual([{ kind: TRIAGE_JOB, dueAt: at(10) }]);
  });
});
