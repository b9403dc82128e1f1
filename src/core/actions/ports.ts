// The executor port: how an approved action leaves the bot. Adapters live in src/executors (webhook) and
// in the surfaces (manual confirmation). The caller stores the request before calling `execute` and the
// outcome after it; a request re-driven after a restart passes the same idempotency key.
import type { ActionEntry } from './catalog.js';
import type { Params } from './gates.js';

export type ExecutionRequest = {
  /** The stored request's id. */
  requestId: string;
  /** Stable for the request's whole life, across retries and restarts; receivers deduplicate on it. */
  idempotencyKey: string;
  action: Pick<ActionEntry, 'id' | 'title'>;
  params: Params;
  incident: { id: string; number: number; workspace: string };
  /** The user id of who requested it. */
  requestedBy: string;
};

export type ExecutionStatus = 'succeeded' | 'failed' | 'timed_out';

export type ExecutionOutcome = {
  status: ExecutionStatus;
  /** One line for the channel and the timeline. */
  detail: string;
  /** The last HTTP response, when there was one. */
  response?: { status: number; body: string };
};

export interface Executor {
  /** Never throws for the action's own failure: it is an outcome. */
  execute(req: ExecutionRequest): Promise<ExecutionOutcome>;
}
