// The application layer's job dispatcher over a Slack WebClient, as the scheduler tests and the bench
// drive it: reminders go through the Slack chat port exactly as the bot's do.
import pLimit from 'p-limit';
import { createApp } from '../../src/app/app.js';
import { ActionService } from '../../src/core/actions/service.js';
import { CadenceService } from '../../src/core/cadence/service.js';
import { ChecklistService } from '../../src/core/checklists/service.js';
import { LifecycleService } from '../../src/core/incidents/lifecycle.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { ID_ONLY, PostmortemService } from '../../src/core/postmortem/service.js';
import type { Clock, IncidentRepository } from '../../src/core/ports.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { createLogger } from '../../src/log.js';
import type { WebClient } from '../../src/surfaces/slack/context.js';
import { slackChat } from '../../src/surfaces/slack/slack-chat.js';

const content = loadContent();

export function slackJobs(repo: IncidentRepository, clock: Clock, client: WebClient, escalationChannel?: string) {
  const deps = { repo, clock, ...content };
  const lifecycle = new LifecycleService(deps);
  const app = createApp({
    repo,
    incidents: new IncidentService(deps),
    checklists: new ChecklistService(deps),
    cadence: new CadenceService(deps),
    lifecycle,
    postmortems: new PostmortemService({ ...deps, lifecycle }),
    actions: new ActionService({ ...deps, lifecycle }),
    chats: { slack: slackChat(client) },
    people: ID_ONLY,
    executorFor: () => null,
    kick: async () => 0,
    background: pLimit(4),
    log: createLogger('silent'),
    privateRooms: false,
    escalationRoom: escalationChannel ? { slack: escalationChannel } : {},
  });
  return app.jobs;
}
