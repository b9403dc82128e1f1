// The end of a chaos run: with every process serving again, wait until nothing is left half done:
// every incident has its channel and no job is overdue (a dead process's claims are taken over once
// their lease runs out; an interrupted set-up is finished by its safety-net job).
import type { Db } from '../../src/db/client.js';
import { sleep } from './deliveries.js';

/** Beyond the set-up safety net (two minutes after a declaration) and a lease. */
const PATIENCE_MS = 150_000;

export async function settle(db: Db, leaseSeconds: number): Promise<boolean> {
  const deadline = Date.now() + PATIENCE_MS + leaseSeconds * 1000;
  for (;;) {
    const overdue = new Date(Date.now() - 3_000);
    const [roomless, late] = await Promise.all([
      db.incident.count({ where: { roomId: null } }),
      db.job.count({ where: { doneAt: null, dueAt: { lt: overdue } } }),
    ]);
    if (roomless === 0 && late === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}
