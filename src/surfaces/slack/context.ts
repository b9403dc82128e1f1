// What every Slack listener receives: the core services and the surface's own settings.
import type { webApi } from '@slack/bolt';
import type { LimitFunction } from 'p-limit';
import type { ActionService } from '../../core/actions/service.js';
import type { CadenceService } from '../../core/cadence/service.js';
import type { ChecklistService } from '../../core/checklists/service.js';
import type { LifecycleService } from '../../core/incidents/lifecycle.js';
import type { IncidentService } from '../../core/incidents/service.js';
import type { PostmortemService } from '../../core/postmortem/service.js';
import type { Workspace } from '../../core/incidents/model.js';
import type { Logger } from '../../log.js';
import type { SlackPeople } from './people.js';

export type SlackDeps = {
  incidents: IncidentService;
  checklists: ChecklistService;
  cadence: CadenceService;
  lifecycle: LifecycleService;
  postmortems: PostmortemService;
  actions: ActionService;
  /** Display names for the postmortem packet, cached per workspace. */
  people: SlackPeople;
  /** Runs due jobs now (an approved action should not wait for the next tick). */
  kick: () => Promise<unknown>;
  log: Logger;
  privateChannels: boolean;
  /**
   * Runs slow chat work (channel set-up) after the ack, a few at a time, so that a burst of
   * declarations never delays the acks Slack waits 3 seconds for.
   */
  background: LimitFunction;
};

/** The workspace a verified request came from. Bolt has already checked the signature. */
export function slackWorkspace(deps: SlackDeps, teamId: string | undefined): Promise<Workspace> {
  if (!teamId) throw new Error('Slack request without a team id');
  return deps.incidents.workspace('slack', teamId);
}

export type WebClient = webApi.WebClient;
