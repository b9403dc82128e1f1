// What the application layer is built from: the core's services, the repository, the chat port of
// each surface, and the few process-level helpers it schedules work with.
import type { LimitFunction } from 'p-limit';
import type { Executor } from '../core/actions/ports.js';
import type { ActionService } from '../core/actions/service.js';
import type { CadenceService } from '../core/cadence/service.js';
import type { ChecklistService } from '../core/checklists/service.js';
import type { LifecycleService } from '../core/incidents/lifecycle.js';
import type { IncidentService } from '../core/incidents/service.js';
import type { PostmortemService } from '../core/postmortem/service.js';
import type { IncidentRepository, PeopleDirectory } from '../core/ports.js';
import type { Logger } from '../log.js';
import type { Chats } from './chats.js';
import type { Workspace } from '../core/incidents/model.js';

/** The executor for an action id, or null for a manual action. */
export type ExecutorFor = (actionId: string) => Executor | null;

export type AppDeps = {
  repo: IncidentRepository;
  incidents: IncidentService;
  checklists: ChecklistService;
  cadence: CadenceService;
  lifecycle: LifecycleService;
  postmortems: PostmortemService;
  actions: ActionService;
  chats: Chats;
  /** People's display names for the postmortem packet (each surface's directory, by workspace platform). */
  people: PeopleDirectory;
  executorFor: ExecutorFor;
  /** Runs due jobs now (an approved action should not wait for the next tick). */
  kick: () => Promise<unknown>;
  /** Slow room work (set-up) runs a few at a time, so a burst of declarations never delays an ack. */
  background: LimitFunction;
  log: Logger;
  privateRooms: boolean;
  /** Where escalations of missed updates go, per surface (a Slack channel id). */
  escalationRoom?: Partial<Record<Workspace['platform'], string>>;
};

