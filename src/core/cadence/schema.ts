// The update cadence as data (§7.1): checked at start-up like every runbook file.
import path from 'node:path';
import { z } from 'zod';
import { SEVERITIES } from '../incidents/model.js';
import { loadRunbookFile, RUNBOOK_DIR } from '../runbook/loader.js';

const minutes = z.number().positive().max(24 * 60);

export const cadenceSchema = z
  .object({
    updateEveryMinutes: z.record(z.enum(SEVERITIES), minutes.nullable()),
    snoozeMinutes: minutes,
    escalateAfterMissed: z.number().int().min(1).max(10),
    triageReminderMinutes: minutes,
    mitigationOptions: z.array(z.string().trim().min(1).max(30)).min(1).max(10),
  })
  .strict();

export type Cadence = z.infer<typeof cadenceSchema>;

export function loadCadence(dir = RUNBOOK_DIR): Cadence {
  return loadRunbookFile(path.join(dir, 'cadence.yaml'), cadenceSchema);
}
