// The runbook's incident model as data: a zod schema checks the file at start-up so a typo in the
// runbook stops the bot with a message naming the place, instead of misbehaving mid-incident.
import { z } from 'zod';
import { AREAS, ROLES, SEVERITIES } from '../incidents/model.js';

const text = z.string().trim().min(1);
const role = z.enum(ROLES);

// Records keyed by an enum are exhaustive in zod 4: a missing or unknown key is an error.
export const incidentModelSchema = z
  .object({
    severities: z.record(z.enum(SEVERITIES), text),
    escalation: z.object({ floor: z.enum(SEVERITIES), reason: text }).strict(),
    roles: z.record(role, z.object({ name: text, duty: text }).strict()),
    alwaysRequired: z.array(role).min(1),
    areas: z.record(
      z.enum(AREAS),
      z.object({ label: text, detail: text, lead: role, integrityRisk: z.boolean().default(false) }).strict(),
    ),
  })
  .strict()
  .refine((m) => m.alwaysRequired.includes('ic'), { message: 'must include ic', path: ['alwaysRequired'] });

export type IncidentModel = z.infer<typeof incidentModelSchema>;
