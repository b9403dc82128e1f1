// The application layer: one function per user intent, the only thing a surface calls. Each takes
// plain input (workspace, actor, room, the intent's fields, a delivery key) and returns what to
// answer the actor and the room talk to run after that answer has gone.
import { ActionRuns } from './action-runs.js';
import type { AppContext } from './context.js';
import type { AppDeps } from './deps.js';
import { actionIntents } from './intents/actions.js';
import { cadenceIntents } from './intents/cadence.js';
import { checklistIntents } from './intents/checklists.js';
import { declareIntents } from './intents/declare.js';
import { lifecycleIntents } from './intents/lifecycle.js';
import { postmortemIntents } from './intents/postmortem.js';
import { roleIntents } from './intents/roles.js';
import { jobDispatcher } from './jobs.js';
import { RoomSetup } from './room-setup.js';
import { RoomTalk } from './room-talk.js';
import type { Platform } from '../core/incidents/model.js';

export function createApp(deps: AppDeps) {
  const talk = new RoomTalk(deps);
  const setup = new RoomSetup(deps, talk);
  const runs = new ActionRuns(deps, talk);
  const ctx: AppContext = { deps, talk, setup, runs };
  return {
    /** The workspace of a verified request (a Slack team, a Teams tenant, the console). */
    workspace: (platform: Platform, externalId: string) => deps.incidents.workspace(platform, externalId),
    /** The workspace, if the bot knows it already; a request that can only come from a known one writes none. */
    knownWorkspace: (platform: Platform, externalId: string) => deps.incidents.knownWorkspace(platform, externalId),
    model: deps.incidents.model,
    runbook: deps.checklists.runbook,
    catalog: deps.actions.catalog,
    /** The scheduler's due jobs become reminders, escalations, set-ups and action runs here. */
    jobs: jobDispatcher(deps, talk, setup, runs),
    ...declareIntents(ctx),
    ...roleIntents(ctx),
    ...checklistIntents(ctx),
    ...cadenceIntents(ctx),
    ...actionIntents(ctx),
    ...lifecycleIntents(ctx),
    ...postmortemIntents(ctx),
  };
}

export type IncidentApp = ReturnType<typeof createApp>;
