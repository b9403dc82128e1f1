// The core's services over the in-memory repository and a test clock, as the unit tests use them.
import { CadenceService } from '../../src/core/cadence/service.js';
import { ChecklistService } from '../../src/core/checklists/service.js';
import { LifecycleService } from '../../src/core/incidents/lifecycle.js';
import { IncidentService } from '../../src/core/incidents/service.js';
import { PostmortemService } from '../../src/core/postmortem/service.js';
import { loadContent } from '../../src/core/runbook/content.js';
import { TestClock } from '../fakes/clock.js';
import { MemoryIncidentRepository } from '../fakes/memory-repository.js';

const content = loadContent();

export async function coreFixture(start: Date | string) {
  const repo = new MemoryIncidentRepository();
  const clock = new TestClock(start);
  const deps = { repo, clock, ...content };
  const lifecycle = new LifecycleService(deps);
  const incidents = new IncidentService(deps);
  return {
    repo,
    clock,
    incidents,
    lifecycle,
    checklists: new ChecklistService(deps),
    cadence: new CadenceService(deps),
    postmortems: new PostmortemService({ ...deps, lifecycle }),
    ws: await incidents.workspace('slack', 'T_ACME'),
  };
}
