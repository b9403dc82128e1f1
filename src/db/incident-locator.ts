// Finds an incident for operator tools, by its id or by workspace and number. Tools run outside a
// chat request, so they name the workspace themselves (its Slack team or Teams tenant id).
import type { Workspace } from '../core/incidents/model.js';
import type { Db } from './client.js';

export type IncidentSelector = { incidentId: string } | { workspace: string; number: number };

export type Located = { ws: Workspace; incidentId: string; head: { seq: number; hash: string }; keyedFrom: number };

export async function locateIncident(db: Db, sel: IncidentSelector): Promise<Located | null> {
  const where =
    'incidentId' in sel
      ? { id: sel.incidentId }
      : { number: sel.number, workspace: { externalId: sel.workspace } };
  const rows = await db.incident.findMany({
    where,
    select: { id: true, timelineSeq: true, timelineHead: true, keyedFrom: true, workspace: { select: { id: true, platform: true, externalId: true } } },
    take: 2,
  });
  // The same team id on two platforms would be ambiguous: refuse rather than guess.
  if (rows.length !== 1) return null;
  const r = rows[0]!;
  return { ws: r.workspace, incidentId: r.id, head: { seq: r.timelineSeq, hash: r.timelineHead }, keyedFrom: r.keyedFrom };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads `<incident-id>` or `<workspace> <number>` from command-line arguments. */
export function parseSelector(args: string[]): IncidentSelector | null {
  if (args.length === 1 && UUID.test(args[0]!)) return { incidentId: args[0]! };
  if (args.length === 2 && /^\d+$/.test(args[1]!)) return { workspace: args[0]!, number: Number(args[1]) };
  return null;
}
