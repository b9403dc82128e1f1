// Runbook §3 (who must be named) and §4 (how low a severity may go), over the shipped model.
import { describe, expect, it } from 'vitest';
import { thrown } from '../support/thrown.js';
import { ErrorCode } from '../../src/core/errors.js';
import type { Area, Role, Severity } from '../../src/core/incidents/model.js';
import { assertSeverityAllowed, parseRole, parseSeverity, requiredRoles } from '../../src/core/incidents/rules.js';
import { loadIncidentModel } from '../../src/core/runbook/loader.js';

const model = loadIncidentModel();

/** Runbook §3, in the order it lists the roles. */
const SECTION_3_ORDER: Role[] = ['ic', 'ops', 'sec', 'orgo', 'konnaxion', 'architect', 'swarmcraft'];


describe('requiredRoles (runbook §3 and the issue\'s area-to-lead table)', () => {
  it('needs only the IC and Ops when no area is given', () => {
    expect(requiredRoles(model, [])).toEqual(['ic', 'ops']);
  });

  it.each<[Area, Role]>([
    ['build_pipeline', 'orgo'],
    ['distribution_activation', 'konnaxion'],
    ['rendering', 'architect'],
    ['execution', 'swarmcraft'],
    ['trust_roots_keys', 'sec'],
    ['tenant_isolation', 'sec'],
  ])('an incident affecting %s needs the IC, Ops and the %s lead', (area, lead) => {
    expect(requiredRoles(model, [area])).toEqual(SECTION_3_ORDER.filter((r) => ['ic', 'ops', lead].includes(r)));
  });

  it('names Sec once when both trust roots and tenant isolation are affected', () => {
    expect(requiredRoles(model, ['tenant_isolation', 'trust_roots_keys'])).toEqual(['ic', 'ops', 'sec']);
  });

  it('lists every role in §3 order, without duplicates, whatever order the areas came in', () => {
    const areas: Area[] = ['execution', 'tenant_isolation', 'rendering', 'distribution_activation', 'build_pipeline', 'trust_roots_keys', 'execution'];
    expect(requiredRoles(model, areas)).toEqual(SECTION_3_ORDER);
    expect(requiredRoles(model, ['execution', 'build_pipeline'])).toEqual(['ic', 'ops', 'orgo', 'swarmcraft']);
  });
});

describe('assertSeverityAllowed (runbook §4 escalation floor)', () => {
  const low: Severity[] = ['SEV2', 'SEV3', 'SEV4'];

  describe.each<[string, Area[], boolean, RegExp]>([
    ['trust roots / keys are affected', ['trust_roots_keys'], false, /Trust roots \/ keys/],
    ['tenant isolation is affected', ['rendering', 'tenant_isolation'], false, /Tenant isolation/],
    ['integrity or isolation is marked uncertain', ['build_pipeline'], true, /uncertain/],
  ])('when %s', (_when, areas, uncertain, why) => {
    it.each(low)('refuses %s, saying why and citing the runbook', (severity) => {
      const e = thrown(() => assertSeverityAllowed(model, severity, areas, uncertain));
      expect(e.code).toBe(ErrorCode.SeverityTooLow);
      expect(e.field).toBe('severity');
      expect(e.message).toContain(severity);
      expect(e.message).toMatch(why);
      expect(e.message).toMatch(/SEV0/);
      expect(e.message).toMatch(/SEV1/);
      expect(e.message).toContain('Runbook §4');
      expect(e.message).toContain(model.escalation.reason);
    });

    it.each<Severity>(['SEV0', 'SEV1'])('allows %s', (severity) => {
      expect(() => assertSeverityAllowed(model, severity, areas, uncertain)).not.toThrow();
    });
  });

  it('allows every severity when integrity is certain and no trust or isolation area is touched', () => {
    const areas: Area[] = ['build_pipeline', 'distribution_activation', 'rendering', 'execution'];
    for (const s of ['SEV0', 'SEV1', 'SEV2', 'SEV3', 'SEV4'] as const) {
      expect(() => assertSeverityAllowed(model, s, areas, false)).not.toThrow();
    }
  });
});

describe('parseRole', () => {
  const variants = (r: string) => [r, r.toUpperCase(), r[0]!.toUpperCase() + r.slice(1), ` ${r} `];

  it.each(SECTION_3_ORDER)('accepts %s in any case', (role) => {
    for (const typed of variants(role)) expect(parseRole(typed)).toBe(role);
  });

  it.each(['commander', 'lead', 'security', 'ic2', '', 'ops lead', '@U123'])('refuses %j, listing the roles to use', (typed) => {
    const e = thrown(() => parseRole(typed));
    expect(e.code).toBe(ErrorCode.UnknownRole);
    for (const r of SECTION_3_ORDER) expect(e.message).toContain(r);
  });
});

describe('parseSeverity', () => {
  it.each(['SEV0', 'SEV1', 'SEV2', 'SEV3', 'SEV4'] as const)('accepts %s in any case', (s) => {
    expect(parseSeverity(s)).toBe(s);
    expect(parseSeverity(s.toLowerCase())).toBe(s);
    expect(parseSeverity(`Sev${s.slice(3)}`)).toBe(s);
  });

  it.each(['SEV9', 'SEV5', 'SEV-1', 'SEV01', 'garbage', '', 'high', 'P1'])('refuses %j, listing the severities', (typed) => {
    const e = thrown(() => parseSeverity(typed));
    expect(e.code).toBe(ErrorCode.BadSeverity);
    for (const s of ['SEV0', 'SEV1', 'SEV2', 'SEV3', 'SEV4']) expect(e.message).toContain(s);
  });
});
