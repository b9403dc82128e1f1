// Composition root: config -> logger -> database -> repositories -> services -> surfaces -> HTTP.
// main.ts runs it for the process; end-to-end tests run it in-process with their own config.
import pLimit from 'p-limit';
import type { Config } from './config.js';
import type { Clock } from './core/ports.js';
import { CadenceService } from './core/cadence/service.js';
import { ActionService } from './core/actions/service.js';
import { ChecklistService } from './core/checklists/service.js';
import { LifecycleService } from './core/incidents/lifecycle.js';
import { PostmortemService } from './core/postmortem/service.js';
import { loadContent } from './core/runbook/content.js';
import { IncidentService } from './core/incidents/service.js';
import { openDatabase } from './db/database.js';
import { PrismaIncidentRepository } from './db/incident-repository.js';
import type { Logger } from './log.js';
import { createHttpServer, listen, type Route } from './server.js';
import { Scheduler } from './scheduler/scheduler.js';
import { createSlackSurface } from './surfaces/slack/app.js';
import { slackChat } from './surfaces/slack/slack-chat.js';
import { createTeamsSurface } from './surfaces/teams/app.js';
import { teamsListeners } from './surfaces/teams/listeners/index.js';
import { PrismaTeamsStore } from './db/teams-store.js';
import { createWebhookExecutor } from './executors/webhook.js';
import { createApp } from './app/app.js';
import { selectExecutors } from './executors/select.js';

const BACKGROUND_CONCURRENCY = 4;

export type RunningBot = { port: number; databaseUrl: string; scheduler: Scheduler; stop(): Promise<void> };

/** The webhook executor for the actions configured to use it; the rest are confirmed by hand. */
function webhookExecutor(hook: NonNullable<Config['actionWebhook']>) {
  // Worst case, 4 attempts of 10 s plus at most 15 s of backoff, stays inside the scheduler's 60 s
  // lease, so a slow receiver is never handed the same request by a second claim.
  return createWebhookExecutor({ url: hook.url, secret: hook.secret, timeoutMs: 10_000, retries: 3, backoffMs: 500, maxBackoffMs: 5_000 });
}

/** Tests replace the clock and drive the scheduler's ticks themselves. */
export type BotOptions = { clock?: Clock; autoTick?: boolean };

export async function startBot(config: Config, log: Logger, opts: BotOptions = {}): Promise<RunningBot> {
  const content = loadContent();
  // Before anything opens: an unknown action id in ACTION_WEBHOOK_ACTIONS stops start-up, naming it.
  const { kindOf, executorFor } = selectExecutors(config.actionWebhook, content.actions, webhookExecutor);
  const database = await openDatabase({ ...config, poolSize: config.databasePoolSize }, log);
  const repo = new PrismaIncidentRepository(database.db);
  const core = { repo, clock: opts.clock ?? { now: () => new Date() }, ...content };
  const incidents = new IncidentService(core);
  const checklists = new ChecklistService(core);
  const cadence = new CadenceService(core);
  const lifecycle = new LifecycleService(core);
  const postmortems = new PostmortemService({ ...core, lifecycle });
  const actions = new ActionService({ ...core, lifecycle, executorOf: kindOf });

  const background = pLimit(BACKGROUND_CONCURRENCY);
  // The scheduler runs the app's jobs and the app kicks the scheduler: bound late.
  let scheduler: Scheduler | undefined;
  const kick = () => scheduler?.tick() ?? Promise.resolve(0);
  // The surface's WebClient carries the Slack chat port; its listeners then call the app built around it.
  const slack = createSlackSurface(config.slack, log);
  // Teams: each tenant its own workspace, its chat port over conversation references in PostgreSQL.
  const teams = config.teams
    ? createTeamsSurface(config.teams, { store: new PrismaTeamsStore(database.db), log, workspace: (tenantId) => incidents.workspace('teams', tenantId) })
    : undefined;
  const app = createApp({
    repo,
    incidents,
    checklists,
    cadence,
    lifecycle,
    postmortems,
    actions,
    chats: { slack: slackChat(slack.client), ...(teams ? { teams: teams.chat } : {}) },
    executorFor,
    kick,
    background,
    log,
    privateRooms: config.incidentChannelPrivate,
    escalationRoom: config.escalationChannel ? { slack: config.escalationChannel } : {},
  });
  slack.listen({ app, log });
  const routes: Route[] = slack.handle ? [{ path: '/slack/events', handle: slack.handle }] : [];
  if (teams && config.teams) {
    teams.listen(teamsListeners({ app, chat: teams.chat, render: teams.render, botId: `28:${config.teams.appId}`, log }));
    routes.push(...teams.routes);
  }
  const ready = async () => (await database.db.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`).length === 1;
  const server = createHttpServer(ready, routes);
  const port = await listen(server, config.port);
  await slack.start();
  scheduler = new Scheduler({ repo, cadence, poster: app.jobs, clock: core.clock, log });
  if (opts.autoTick ?? true) scheduler.start(config.schedulerTickSeconds);
  log.info({ port, mode: slack.handle ? 'http' : 'socket', teams: Boolean(teams), embedded: !config.databaseUrl }, 'incident bot ready');

  return {
    port,
    databaseUrl: database.url,
    scheduler,
    async stop() {
      await scheduler.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Let set-up work already accepted finish (for a while) before the database goes away.
      const deadline = Date.now() + 15_000;
      while (background.activeCount + background.pendingCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await slack.stop();
      await database.close();
    },
  };
}
