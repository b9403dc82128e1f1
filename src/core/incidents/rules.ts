// Runbook rules over plain data: which leads an incident needs (§3) and the severity floor (§4).
import { DomainError, ErrorCode } from '../errors.js';
import type { IncidentModel } from '../runbook/schema.js';
import { ROLES, SEVERITIES, type Area, type Role, type Severity } from './model.js';

/** IC and Ops always; then the lead of every affected area. Returned in §3 order. */
export function requiredRoles(model: IncidentModel, areas: readonly Area[]): Role[] {
  const needed = new Set<Role>(model.alwaysRequired);
  for (const a of areas) needed.add(model.areas[a].lead);
  return ROLES.filter((r) => needed.has(r));
}

/** SEV0 is the most severe; a higher rank is a lower severity. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * §4: when integrity or isolation is uncertain, or the incident touches trust roots or isolation,
 * nothing below the escalation floor (SEV1) is accepted.
 */
export function assertSeverityAllowed(
  model: IncidentModel,
  severity: Severity,
  areas: readonly Area[],
  integrityUncertain: boolean,
): void {
  const risky = areas.filter((a) => model.areas[a].integrityRisk);
  if (!integrityUncertain && risky.length === 0) return;
  if (severityRank(severity) <= severityRank(model.escalation.floor)) return;
  const why = integrityUncertain
    ? 'integrity or isolation is marked uncertain'
    : `it affects ${risky.map((a) => model.areas[a].label).join(' and ')}`;
  throw new DomainError(
    ErrorCode.SeverityTooLow,
    `${severity} is too low because ${why}. Use SEV0 or ${model.escalation.floor}. ${model.escalation.reason}`,
    'severity',
  );
}

export function parseSeverity(input: string): Severity {
  const s = input.trim().toUpperCase();
  const match = SEVERITIES.find((v) => v === s || v === `SEV${s}`);
  if (!match) {
    throw new DomainError(
      ErrorCode.BadSeverity,
      `"${input}" is not a severity. Use one of ${SEVERITIES.join(', ')}, for example \`SEV1\`.`,
      'severity',
    );
  }
  return match;
}

export function parseRole(input: string): Role {
  const r = input.trim().toLowerCase();
  const match = ROLES.find((v) => v === r);
  if (!match) {
    throw new DomainError(
      ErrorCode.UnknownRole,
      `"${input}" is not a role. Use one of ${ROLES.join(', ')} (any case).`,
      'role',
    );
  }
  return match;
}
