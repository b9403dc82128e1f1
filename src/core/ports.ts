// What the core needs from the outside world. Adapters in db/, surfaces/ and tests implement these.
import type { ActionRequest, Followup, Incident, IncidentState, Platform, PostedView, PostmortemFields, Role, Workspace } from './incidents/model.js';
import type { ItemState } from './checklists/state.js';
import type { ChainedEvent } from './timeline/chain.js';

/** A change's outcome; `replayed` when its delivery was handled before and nothing was decided again. */
export type ChangeOutcome<T> = { state: IncidentState; result: T; changed: boolean; replayed?: boolean };

export interface Clock {
  now(): Date;
  /** Clock seconds per real second (a drill runs faster); unset is real time. Timers scale by it. */
  readonly speed?: number;
}

/**
 * People's display names by user id, as the chat surface knows them (Slack: users.info, cached per
 * workspace). A name it cannot find is left out, and the reader sees the id alone.
 */
export interface PeopleDirectory {
  displayNames(ws: Workspace, userIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

export type NewEvent = { type: string; actor: string | null; data: Record<string, unknown> };
export type TimelineEvent = ChainedEvent & { id: string };

type Settable = 'severity' | 'status' | 'roomId' | 'roomName' | 'lastUpdateAt' | 'updatesMissed' | 'orgoCaseUrl';
/** Fields a change sets. Only `resolvedAt` can be cleared (a reopen): the others never take a null. */
export type IncidentPatch = { [K in Settable]?: NonNullable<Incident[K]> } & { resolvedAt?: Date | null };
export type NewJob = { kind: string; dueAt: Date; data?: Record<string, unknown> };
/** Finishes a claimed job; only the process holding its lease may. */
export type JobCompletion = { jobId: string; owner: string; outcome: string; /** Why it ended, when it failed. */ error?: string };
/** A claimed job's outcome with what it changes in its incident: the misses counted, next jobs, events. */
export type JobRecord = {
  ws: Workspace;
  incidentId: string;
  complete: JobCompletion;
  patch?: Pick<IncidentPatch, 'updatesMissed'>;
  schedule?: NewJob[];
  events: NewEvent[];
};
export type RoleGrant = { role: Role; userId: string; by: string };
export type Attachment = { checklistId: string; by: string };
/** A step's new state; `actor` is who moved it (for an undo, the state itself names nobody). */
export type ItemUpdate = { itemId: string; state: ItemState; actor: string };

/** What a decision wants written. Nothing at all (no patch, grants, attachments, items or events) means "no change". */
export type Change<T> = {
  patch?: IncidentPatch;
  grants?: RoleGrant[];
  attach?: Attachment[];
  items?: ItemUpdate[];
  /** Kinds of pending jobs that this change makes obsolete (they end as "superseded"). */
  cancel?: string[];
  schedule?: NewJob[];
  complete?: JobCompletion;
  postmortem?: PostmortemFields & { by: string };
  followup?: { add: Omit<Followup, 'doneAt' | 'doneBy'> } | { done: { seq: number; by: string } };
  /** A new action request (its id chosen by the core, as its idempotency key), or new facts about one. */
  action?: { insert: ActionRequest } | { update: { id: string; set: Partial<Omit<ActionRequest, 'id' | 'seq' | 'actionId' | 'params' | 'requestedBy' | 'requestedAt'>> } };
  events: NewEvent[];
  result: T;
};

/** What a new incident starts with. */
export type FirstChange = Pick<Change<unknown>, 'grants' | 'attach' | 'schedule' | 'events'>;

/** A due job, claimed with a lease by one scheduler process. */
export type ClaimedJob = { id: string; ws: Workspace; incidentId: string; kind: string; dueAt: Date; data: Record<string, unknown> };
/** A claim as the scheduler gets it: the job and its history of claims. */
export type Claim = ClaimedJob & {
  /** Claims of this job so far, this one included. */
  attempts: number;
  /** Another process claimed it before and let its lease expire (it died or hung). */
  takenOver: boolean;
};


export type NewIncident = Omit<
  Incident,
  'id' | 'workspaceId' | 'number' | 'status' | 'roomId' | 'roomName' | 'lastUpdateAt' | 'updatesMissed' | 'orgoCaseUrl' | 'resolvedAt' | 'seq'
> & { declareKey: string };

export interface IncidentRepository {
  /** Finds or creates the workspace of a verified request. */
  workspace(platform: Platform, externalId: string): Promise<Workspace>;
  /** Finds the workspace, writing nothing: for requests that can only come from one the bot already knows. */
  knownWorkspace(platform: Platform, externalId: string): Promise<Workspace | undefined>;
  /**
   * Saves a new incident with its first role grants and events, numbered within the workspace.
   * A second call with the same declareKey returns the first incident and `created: false`.
   */
  create(ws: Workspace, draft: NewIncident, first: FirstChange): Promise<{ state: IncidentState; created: boolean }>;
  /**
   * Runs `decide` on the current state while holding the incident's lock, then writes its change and
   * its events in the same transaction. Concurrent changes to one incident are serialised.
   */
  change<T>(
    ws: Workspace,
    incidentId: string,
    at: Date,
    decide: (state: IncidentState) => Change<T>,
  ): Promise<ChangeOutcome<T>>;
  /**
   * `change` on the incident whose room `roomId` is, found and locked at once (commands and forms
   * arrive by room); null when the room is no incident's.
   */
  changeInRoom<T>(ws: Workspace, roomId: string, at: Date, decide: (state: IncidentState) => Change<T>): Promise<ChangeOutcome<T> | null>;
  /**
   * Runs `work` as one delivery of a user intent: each change it makes is keyed by `key` (and its
   * order within the work). A change whose key was already handled is not decided again: it answers
   * with the first result, `replayed: true`, and writes nothing.
   */
  once<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Records where a view was posted (replacing its refs), stamped with the seq it was rendered from. */
  recordPosted(ws: Workspace, incidentId: string, shows: string, posted: PostedView): Promise<void>;
  /**
   * Claims the right to repaint a posted view with a render of `stamp`: false when a render of that
   * stamp or a newer one was already claimed (by any process), so an older render never paints last.
   */
  claimRepaint(ws: Workspace, incidentId: string, shows: string, stamp: number): Promise<boolean>;
  /** The digests of a view's parts after a repaint; returns the newest stamp claimed for the view by then. */
  recordDigests(ws: Workspace, incidentId: string, shows: string, refs: PostedView['refs']): Promise<number>;
  findById(ws: Workspace, incidentId: string): Promise<IncidentState | null>;
  findByRoom(ws: Workspace, roomId: string): Promise<IncidentState | null>;
  timeline(ws: Workspace, incidentId: string): Promise<TimelineEvent[]>;
  /** The head of the incident's keyed hash chain, for publishing outside the database (channel, packet). */
  chainHead(ws: Workspace, incidentId: string): Promise<{ seq: number; hash: string } | null>;
  /**
   * Claims up to `limit` jobs due at `now` whose lease is free or expired, leasing them to `owner`
   * until `leaseUntil`. Concurrent claimers never get the same job.
   */
  claimDue(now: Date, owner: string, leaseUntil: Date, limit: number): Promise<Claim[]>;
  /**
   * Records claimed jobs' outcomes with their changes, in one transaction: each one only while its
   * owner still holds the job's lease (false for it: lease lost, or the job ended meanwhile). No state
   * is read back, so a scheduler pays one lock and one write per batch of jobs, not per job.
   */
  completeJobs(at: Date, records: JobRecord[]): Promise<boolean[]>;
  /**
   * Gives a claimed job back after a failed attempt: nobody may claim it before `retryAt`, and the
   * error is kept on the row. False: the lease was lost meanwhile.
   */
  retryJob(jobId: string, owner: string, retryAt: Date, error: string): Promise<boolean>;
  /** Several incidents at once (a scheduler's claimed batch), each scoped to its own workspace. */
  findMany(refs: { ws: Workspace; incidentId: string }[]): Promise<Map<string, IncidentState>>;
  /** The workspace's incidents that are not resolved or closed, oldest first. */
  listOpen(ws: Workspace): Promise<IncidentState[]>;
}
