// The local console, assembled: its storage, its live hub and its chat port first (the application
// layer needs the port), then its HTTP routes once the intents exist to call.
import type { ConsoleConfig } from '../../config.js';
import type { Workspace } from '../../core/incidents/model.js';
import type { Db } from '../../db/client.js';
import { ConsoleRepository } from '../../db/console-repository.js';
import type { Logger } from '../../log.js';
import type { Route } from '../../server.js';
import { ConsoleChat, GENERAL_ROOM } from './console-chat.js';
import { LiveHub } from './live.js';
import { consoleRoutes, type ConsoleHandlers } from './routes.js';

/** The console is one workspace: everyone who reaches it is in it. */
export const CONSOLE_WORKSPACE = 'local';

export type ConsoleSurface = {
  chat: ConsoleChat;
  repo: ConsoleRepository;
  routes(handlers: ConsoleHandlers): Route[];
  /** Makes sure "general" exists, where declarations are announced. */
  start(): Promise<void>;
  stop(): void;
};

export function createConsoleSurface(
  config: ConsoleConfig,
  deps: { db: Db; log: Logger; workspace: () => Promise<Workspace>; drill: boolean; speed: number },
): ConsoleSurface {
  const repo = new ConsoleRepository(deps.db);
  const live = new LiveHub();
  const chat = new ConsoleChat(repo, live);
  return {
    chat,
    repo,
    routes: (handlers) => consoleRoutes({ config, repo, live, log: deps.log, workspace: deps.workspace, handlers, drill: deps.drill, speed: deps.speed }),
    async start() {
      await repo.ensureRoom(await deps.workspace(), GENERAL_ROOM);
    },
    stop: () => live.close(),
  };
}

/** The address to open: the one log line a newcomer needs. */
export const consoleUrl = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
