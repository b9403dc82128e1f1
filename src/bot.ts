// Composition root: config -> logger -> database -> repositories -> services -> surfaces -> HTTP.
// main.ts runs it for the process; end-to-end tests run it in-process with their own config.
import pLimit from 'p-limit';
import type { Config } from './config.js';
import type { Clock } from './core/ports.js';
import { processClock } from './clock.js';
import { CadenceService } from './core/cadence/service.js';
import { ActionService } from './core/actions/service.js';
import { ChecklistService } from './core/checklists/service.js';
import { LifecycleService } from './core/incidents/lifecycle.js';
import { PostmortemService } from './core/postmortem/service.js';
import { loadContent } from './core/runbook/content.js';
import { IncidentService } from './core/incidents/service.js';
import { openDatabase } from './db/database.js';
import type { EmbeddedPostgres } from './db/embedded.js';
import { PrismaIncidentRepository } from './db/incident-repository.js';
import type { Logger } from './log.js';
import { countJobs } from './db/job-counts.js';
import { timelineKey } from './db/timeline-key.js';
import { countJobsWith } from './metrics.js';
import { createHttpServer, listen, type Route, type Unready } from './server.js';
import { Scheduler } from './scheduler/scheduler.js';
import { PrismaTeamsStore } from './db/teams-store.js';
import { createWebhookExecutor } from './executors/webhook.js';
import { createApp } from './app/app.js';
import type { Workspace } from './core/incidents/model.js';
import { declareDrill } from './drill/script.js';
import { GENERAL_ROOM } from './surfaces/console/console-chat.js';
import { consoleFrame } from './surfaces/console/frame.js';
import { consoleHandlers } from './surfaces/console/handlers.js';
import { CONSOLE_WORKSPACE, consoleUrl, createConsoleSurface } from './surfaces/console/surface.js';
import { peopleDirectory } from './app/chats.js';
import { selectExecutors } from './executors/select.js';

// Set-up work runs in the background; a few hanging Slack calls (5 s each) must not hold a new
// declaration's channel back behind them.
const BACKGROUND_CONCURRENCY = 16;

export type RunningBot = { port: number; databaseUrl: string; scheduler: Scheduler; stop(): Promise<void> };

/** The webhook executor for the actions configured to use it; the rest are confirmed by hand. */
function webhookExecutor(hook: NonNullable<Config['actionWebhook']>) {
  // Worst case, 4 attempts of 10 s plus at most 15 s of backoff, stays inside the scheduler's 60 s
  // lease, so a slow receiver is never handed the same request by a second claim.
  return createWebhookExecutor({ url: hook.url, secret: hook.secret, timeoutMs: 10_000, retries: 3, backoffMs: 500, maxBackoffMs: 5_000 });
}

/** What start-up reads and checks besides the database: the runbook, the executors, the timeline key. */
function prepare(config: Config) {
  const content = loadContent(config.runbookDir);
  // An unknown action id in ACTION_WEBHOOK_ACTIONS stops start-up, naming it.
  const { kindOf, executorFor } = selectExecutors(config.actionWebhook, content.actions, webhookExecutor);
  return { content, kindOf, executorFor, key: timelineKey(config, { create: true }) };
}

/**
 * Tests replace the clock and drive the scheduler's ticks themselves. embedded: the database
 * startEmbedded began for this config, when main.ts started it before loading the bot.
 */
export type BotOptions = { clock?: Clock; autoTick?: boolean; embedded?: Promise<EmbeddedPostgres> };

export async function startBot(config: Config, log: Logger, opts: BotOptions = {}): Promise<RunningBot> {
  // A chat platform's modules load only when it is configured, while the database opens: a console
  // start-up does not pay for Bolt, botbuilder and the Azure SDKs.
  const slackKit = config.slack ? import('./surfaces/slack/kit.js') : undefined;
  const teamsKit = config.teams ? import('./surfaces/teams/kit.js') : undefined;
  // The embedded database opens in its thread while this one reads the runbook.
  const opening = openDatabase({ ...config, poolSize: config.databasePoolSize }, log, opts.embedded ? { embedded: opts.embedded } : {});
  let prepared: ReturnType<typeof prepare>;
  try {
    prepared = prepare(config);
  } catch (err) {
    // Closed again, so that a configuration error leaves the embedded database unlocked.
    await opening.then((database) => database.close(), () => {});
    throw err;
  }
  const { content, kindOf, executorFor, key } = prepared;
  const database = await opening;
  const repo = new PrismaIncidentRepository(database.db, key);
  const core = { repo, clock: opts.clock ?? processClock(config.clockSpeed), ...content };
  const sealed = await repo.sealUnkeyedChains(core.clock.now());
  if (sealed > 0) log.info({ sealed }, 'timeline chains begun before keys sealed with the timeline key');
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
  // Each configured surface brings its chat port; the app is built around them, then the surfaces'
  // listeners call it. The Slack port is the surface's WebClient; the console's is its database rooms.
  const slackMods = await slackKit;
  const slack = config.slack && slackMods ? slackMods.createSlackSurface(config.slack, log) : null;
  let consoleWs: Promise<Workspace> | undefined;
  const consoleWorkspace = () => (consoleWs ??= incidents.workspace('console', CONSOLE_WORKSPACE));
  const consoleSurface = config.console
    ? createConsoleSurface(config.console, { db: database.db, log, workspace: consoleWorkspace, drill: config.drill ?? false, speed: config.clockSpeed ?? 1 })
    : null;
  // Teams: each tenant its own workspace, its chat port over conversation references in PostgreSQL.
  const teamsMods = await teamsKit;
  const teams = config.teams && teamsMods
    ? teamsMods.createTeamsSurface(config.teams, { store: new PrismaTeamsStore(database.db), log, workspace: (tenantId) => incidents.workspace('teams', tenantId) })
    : undefined;
  const app = createApp({
    repo,
    incidents,
    checklists,
    cadence,
    lifecycle,
    postmortems,
    actions,
    chats: { ...(slack && slackMods ? { slack: slackMods.slackChat(slack.client) } : {}), ...(teams ? { teams: teams.chat } : {}), ...(consoleSurface ? { console: consoleSurface.chat } : {}) },
    people: peopleDirectory(slack && slackMods ? { slack: new slackMods.SlackPeople().via(slack.client, log) } : {}),
    executorFor,
    kick,
    background,
    log,
    privateRooms: config.incidentChannelPrivate,
    // The console has no commanders' channel: its escalations go to "general", where everyone starts.
    escalationRoom: { ...(config.escalationChannel ? { slack: config.escalationChannel } : {}), ...(consoleSurface ? { console: GENERAL_ROOM.id } : {}) },
  });
  slack?.listen({ app, log });
  const routes: Route[] = slack?.handle ? [{ path: '/slack/events', handle: slack.handle }] : [];
  if (teams && teamsMods && config.teams) {
    teams.listen(teamsMods.teamsListeners({ app, chat: teams.chat, render: teams.render, botId: `28:${config.teams.appId}`, log }));
    routes.push(...teams.routes);
  }
  if (consoleSurface) routes.push(...consoleSurface.routes(consoleHandlers(app, consoleFrame(consoleSurface.chat, log), { drill: config.drill ?? false })));
  // Ready when the database answers and, in Socket Mode, Slack's websocket is connected.
  const unready = async (): Promise<Unready> => {
    const why: Unready = {};
    await database.db.$queryRaw`SELECT 1`.catch(() => (why.database = 'unreachable'));
    const slackProblem = slack?.unready();
    if (slackProblem) why.slack = slackProblem;
    return why;
  };
  const http = createHttpServer({ unready, routes, log });
  // The console alone listens on its own host (loopback unless a token guards it); with a chat
  // platform the server takes every interface and the console's guard keeps to loopback.
  const port = await listen(http.server, config.port, consoleSurface && !slack ? config.console!.host : undefined);
  await slack?.start();
  await consoleSurface?.start();
  scheduler = new Scheduler({
    repo,
    cadence,
    poster: app.jobs,
    onDead: app.jobs.dead,
    clock: core.clock,
    log,
    ...(config.schedulerLeaseSeconds ? { leaseMs: config.schedulerLeaseSeconds * 1000 } : {}),
  });
  if (opts.autoTick ?? true) scheduler.start(config.schedulerTickSeconds);
  countJobsWith(() => countJobs(database.db, core.clock.now()));
  log.info({ port, mode: slack ? (slack.handle ? 'http' : 'socket') : 'console', teams: Boolean(teams), embedded: !config.databaseUrl, drill: config.drill ?? false }, 'incident bot ready');
  if (consoleSurface) {
    log.info(`console ready at ${consoleUrl(config.console!.host, port)}`);
    if (config.drill) await declareDrill(app, await consoleWorkspace(), GENERAL_ROOM.id);
  }

  return {
    port,
    databaseUrl: database.url,
    scheduler,
    async stop() {
      http.drain();
      await scheduler.stop();
      await http.close();
      // Let set-up work already accepted finish (for a while) before the database goes away.
      const deadline = Date.now() + 15_000;
      while (background.activeCount + background.pendingCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      consoleSurface?.stop();
      await slack?.stop();
      countJobsWith(undefined);
      await database.close();
    },
  };
}
