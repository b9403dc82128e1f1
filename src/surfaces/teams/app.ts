// Builds the Teams surface: botbuilder's CloudAdapter behind POST /api/messages (authenticated by
// endpoint.ts before any logic), the chat port over stored conversation references, and the file
// route for signed links. The bot class never sees HTTP, and no incident logic lives here.
import type { TeamsConfig } from '../../config.js';
import type { Workspace } from '../../core/incidents/model.js';
import type { Logger } from '../../log.js';
import type { Route } from '../../server.js';
import { originOf } from './activity.js';
import { teamsAuthentication } from './auth.js';
import type { Render } from './cards/card.js';
import { messagesEndpoint, TeamsAdapter } from './endpoint.js';
import { FILES_PATH, fileLinks } from './file-links.js';
import { graphClient } from './graph.js';
import { People } from './people.js';
import type { TeamsStore } from './store.js';
import { TeamsChat } from './teams-chat.js';
import { teamsTurn, type Listeners } from './turn.js';

export type TeamsSurface = {
  chat: TeamsChat;
  routes: Route[];
  render: Render;
  /** Wires the listeners once the application they call exists. */
  listen(listeners: Listeners): void;
};

export const MESSAGES_PATH = '/api/messages';

export function createTeamsSurface(cfg: TeamsConfig, deps: { store: TeamsStore; log: Logger; workspace: (tenantId: string) => Promise<Workspace> }): TeamsSurface {
  // botbuilder accepts anonymous requests when the app id is empty; config.ts never allows it.
  if (!cfg.appId || (!cfg.appPassword && cfg.appType !== 'UserAssignedMSI')) throw new Error('Teams needs MICROSOFT_APP_ID and a credential.');
  const log = deps.log.child({ surface: 'teams' });
  const auth = teamsAuthentication(cfg);
  const adapter = new TeamsAdapter(auth);
  const people = new People();
  const render: Render = { names: people.name };
  const files = cfg.files ? fileLinks(cfg.files, deps.store, log) : undefined;
  const graph = cfg.graphUrl ? graphClient(cfg, cfg.graphUrl) : undefined;
  const chat = new TeamsChat({ adapter, appId: cfg.appId, store: deps.store, graph, files, render, log });
  let listeners: Listeners | undefined;
  const logic = teamsTurn({
    store: deps.store,
    people,
    log,
    workspace: deps.workspace,
    listeners: {
      message: (turn) => (listeners ? listeners.message(turn) : Promise.resolve()),
      invoke: (turn) => (listeners ? listeners.invoke(turn) : Promise.resolve({ status: 503 })),
    },
  });
  const refuse = (activity: Parameters<typeof originOf>[0], identity: { getClaimValue(c: string): string | null }) => {
    const origin = originOf(activity, identity.getClaimValue('tid'));
    return 'refused' in origin ? origin.refused : null;
  };
  const routes: Route[] = [{ path: MESSAGES_PATH, handle: messagesEndpoint({ adapter, auth, logic, log, refuse }) }];
  if (files) routes.push({ path: FILES_PATH, handle: (req, res) => files.handle(req, res) });
  return { chat, routes, render, listen: (l) => void (listeners = l) };
}
