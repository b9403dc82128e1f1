// Composition root: config -> logger -> database -> repositories -> services -> surfaces -> HTTP.
// main.ts runs it for the process; end-to-end tests run it in-process with their own config.
import pLimit from 'p-limit';
import type { Config } from './config.js';
import { ChecklistService } from './core/checklists/service.js';
import { loadContent } from './core/runbook/content.js';
import { IncidentService } from './core/incidents/service.js';
import { openDatabase } from './db/database.js';
import { PrismaIncidentRepository } from './db/incident-repository.js';
import type { Logger } from './log.js';
import { createHttpServer, listen, type Route } from './server.js';
import { createSlackSurface } from './surfaces/slack/app.js';

const BACKGROUND_CONCURRENCY = 4;

export type RunningBot = { port: number; databaseUrl: string; stop(): Promise<void> };

export async function startBot(config: Config, log: Logger): Promise<RunningBot> {
  const content = loadContent();
  const database = await openDatabase({ ...config, poolSize: config.databasePoolSize }, log);
  const repo = new PrismaIncidentRepository(database.db);
  const core = { repo, clock: { now: () => new Date() }, ...content };
  const incidents = new IncidentService(core);
  const checklists = new ChecklistService(core);

  const background = pLimit(BACKGROUND_CONCURRENCY);
  const slack = createSlackSurface(config.slack, { incidents, checklists, log, privateChannels: config.incidentChannelPrivate, background });
  const routes: Route[] = slack.handle ? [{ path: '/slack/events', handle: slack.handle }] : [];
  const ready = async () => (await database.db.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`).length === 1;
  const server = createHttpServer(ready, routes);
  const port = await listen(server, config.port);
  await slack.start();
  log.info({ port, mode: slack.handle ? 'http' : 'socket', embedded: !config.databaseUrl }, 'incident bot ready');

  return {
    port,
    databaseUrl: database.url,
    async stop() {
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
