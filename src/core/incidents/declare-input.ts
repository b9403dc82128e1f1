// What a declaration must contain. Surfaces map their form fields onto this; the field names in
// errors match, so a surface can show each error beside its field.
import { z } from 'zod';
import { DomainError, ErrorCode } from '../errors.js';
import { AREAS, SEVERITIES } from './model.js';

const list = z.array(z.string().trim().min(1).max(100)).max(50);

export const declareInputSchema = z.object({
  title: z.string().trim().min(3, 'Give the incident a title of at least 3 characters.').max(150, 'Keep the title under 150 characters.'),
  severity: z.enum(SEVERITIES, { message: `Choose a severity, ${SEVERITIES.join(' to ')}.` }),
  areas: z.array(z.enum(AREAS)).max(AREAS.length).default([]),
  tenants: list.default([]),
  channels: list.default([]),
  environments: list.default([]),
  integrityUncertain: z.boolean().default(false),
  commander: z.string().min(1).optional(),
  /** A §10 quick-reference symptom id: its playbook is attached at once. */
  symptom: z.string().min(1).optional(),
  /** A drill's incident (npm run drill): practice, marked as such. */
  drill: z.boolean().default(false),
});
export type DeclareInput = z.input<typeof declareInputSchema>;
export type ValidDeclareInput = z.output<typeof declareInputSchema>;

export function parseDeclareInput(input: DeclareInput): ValidDeclareInput {
  const r = declareInputSchema.safeParse(input);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  throw new DomainError(ErrorCode.InvalidInput, first.message, String(first.path[0] ?? ''));
}

/** Splits a free-text list typed as commas, semicolons or lines into clean, distinct items. */
export function splitList(text: string | undefined | null): string[] {
  if (!text) return [];
  return [...new Set(text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean))];
}
