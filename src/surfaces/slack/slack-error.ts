// Reads the Slack Web API error code (`name_taken`, `not_in_channel`, ...) out of a thrown error.

export function slackErrorCode(e: unknown): string | undefined {
  const data = (e as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export function describe(e: unknown): string {
  return slackErrorCode(e) ?? (e instanceof Error ? e.message : String(e));
}
