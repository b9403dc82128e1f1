// The application layer over a repository, a clock and chat ports of the test's choosing, wired as
// src/bot.ts wires it (the scheduler's `kick` is left to the test).
import pLimit from 'p-limit';
import { createApp } from '../../src/app/app.js';
import type { Chats } from '../../src/app/chats.js';
import type { ExecutorFor } from '../../src/app/deps.js';
import { ActionService } from '../../src/core/actions/service.js';
import { CadenceService } from '../../src/core/cadence/service.js';
import { ChecklistService } from '../../src/core/checklists/service.js';
import { LifecycleService } from '../../src/core/incidents/lifecycle.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { ID_ONLY, PostmortemService } from '../../src/core/postmortem/service.js';
import type { Clock, IncidentRepository } from '../../src/core/ports.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { createLogger } from '../../src/log.js';

const content = loadContent();

export type AppOptions = { repo: IncidentRepository; clock: Clock; chats: Chats; escalationRoom?: string; executorFor?: ExecutorFor };

export function buildApp({ repo, clock, chats, escalationRoom, executorFor }: AppOptions) {
  const deps = { repo, clock, ...content };
  const lifecycle = new LifecycleService(deps);
  return createApp({
    repo,
    incidents: new IncidentService(deps),
    checklists: new ChecklistService(deps),
    cadence: new CadenceService(deps),
    lifecycle,
    postmortems: new PostmortemService({ ...deps, lifecycle }),
    actions: new ActionService({ ...deps, lifecycle }),
    chats,
    people: ID_ONLY,
    executorFor: executorFor ?? (() => null),
    kick: async () => 0,
    background: pLimit(4),
    log: createLogger('silent'),
    privateRooms: false,
    escalationRoom: escalationRoom ? Object.fromEntries(Object.keys(chats).map((p) => [p, escalationRoom])) : {},
  });
}
