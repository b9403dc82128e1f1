// Coded domain errors. Each carries a message a responder can act on; a surface turns it into an
// ephemeral reply (or a modal field error) and never into a stack trace.

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
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The form field the error belongs to, when it came from a form. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** The same answer for "no such id" and "not yours": a payload must not learn which it was. */
export const incidentNotFound = () => new DomainError(ErrorCode.IncidentNotFound, 'That incident does not exist here.');
