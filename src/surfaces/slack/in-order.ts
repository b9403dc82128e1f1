// In-place message updates of one message run one after another, each from the state as stored when
// it runs: a slow or retried update of an older change never lands after a newer one.
import type { IncidentState, Workspace } from '../../core/incidents/model.js';
import type { SlackDeps } from './context.js';

const queues = new Map<string, Promise<unknown>>();

export function inOrder(key: string, deps: SlackDeps, ws: Workspace, state: IncidentState, update: (fresh: IncidentState) => Promise<void>): Promise<void> {
  const run = (queues.get(key) ?? Promise.resolve()).then(async () => {
    const fresh = (await deps.incidents.claimed(ws, state.incident.id).catch(() => null)) ?? state;
    await update(fresh);
  });
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}
