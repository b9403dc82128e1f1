// Declares an incident over signed HTTP and waits until its set-up is done: the header and the
// triage checklist pinned in its new channel.
import { expect } from 'vitest';
import { SETUP_JOB } from '../../src/core/cadence/rules.js';
import type { TestBot } from './bot.js';
import { declareSubmission, postSigned, type Actor } from './slack-requests.js';

export type DeclaredIncident = { id: string; room: string; header: string; number: number; declaredAt: Date };

export async function declareAndWait(t: TestBot, who: Actor, viewId: string, form: Parameters<typeof declareSubmission>[2]): Promise<DeclaredIncident> {
  const res = await postSigned(t.eventsUrl, declareSubmission(who, viewId, form));
  expect(res.status).toBe(200);
  const row = await t.slack.until(async () => {
    const r = await t.db.incident.findFirst({ where: { declareKey: viewId, messages: { some: { shows: 'header' } } } });
    expect(r).not.toBeNull();
    expect(t.slack.called('pins.add').filter((c) => c.body.channel === r!.roomId).length).toBeGreaterThanOrEqual(2);
    // The set-up's last act retires its safety-net job: until then it still counts as work to do.
    expect(await t.db.job.count({ where: { incidentId: r!.id, kind: SETUP_JOB, doneAt: null } })).toBe(0);
    return r!;
  }, 10_000);
  return { id: row.id, room: row.roomId!, header: (await messageRefs(t, row.id, 'header'))[0]!, number: row.number, declaredAt: row.declaredAt };
}

/** The refs of the messages that show `shows` (`header`, `checklist:<id>`), in order. */
export async function messageRefs(t: TestBot, incidentId: string, shows: string): Promise<string[]> {
  const rows = await t.db.roomMessage.findMany({ where: { incidentId, shows }, orderBy: { part: 'asc' } });
  return rows.map((r) => r.ref);
}
