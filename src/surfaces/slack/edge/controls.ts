// Control characters in text are stripped at the edge: PostgreSQL cannot store NUL (22P05), and
// none of the others mean anything in an incident's words. Tabs and line breaks are kept.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export const stripControls = (s: string): string => s.replace(CONTROLS, '');

/** Strips control characters from every string of a parsed body, in place. */
export function stripControlsDeep(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === 'string') record[key] = stripControls(v);
    else stripControlsDeep(v);
  }
}
