// Coded domain errors. Each carries a message a responder can act on; a surface turns it into an
// ephemeral reply (or a modal field error) and never into a stack trace.

import { plain, type Rich } from './views/rich-text.js';

export const ErrorCode = {
  UnknownCommand: 'unknown_command',
  UnknownRole: 'unknown_role',
  BadSeverity: 'bad_severity',
  NotInIncidentRoom: 'not_in_incident_room',
  IncidentNotFound: 'incident_not_found',
  NotAllowed: 'not_allowed',
  SeverityTooLow: 'severity_too_low',
  RoleTaken: 'role_taken',
  StepConflict: 'step_conflict',
  InvalidInput: 'invalid_input',
  /** A §2/§3 gate refused an action (already recorded in the timeline). */
  GateRefused: 'gate_refused',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  override name = 'DomainError';
  /** The message as structured text, when it names people, rooms or commands. */
  readonly rich?: Rich;
  constructor(
    readonly code: ErrorCode,
    message: string | Rich,
    /** The form field the error belongs to, when it came from a form. */
    readonly field?: string,
  ) {
    super(typeof message === 'string' ? message : plain(message));
    if (typeof message !== 'string') this.rich = message;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** The same answer for "no such id" and "not yours": a payload must not learn which it was. */
export const incidentNotFound = () => new DomainError(ErrorCode.IncidentNotFound, 'That incident does not exist here.');
