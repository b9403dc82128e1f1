// The Teams listeners: a command in a message, a card button, a dialog's opening and submission.
import type { TeamsChat } from '../teams-chat.js';
import type { Listeners } from '../turn.js';
import { helpCard } from '../cards/help.js';

export type ListenerDeps = { chat: TeamsChat; appId: string };

export function teamsListeners(deps: ListenerDeps): Listeners {
  return {
    async message({ ws, origin, roomId }) {
      await deps.chat.tellCards(ws, { userId: origin.user.id, roomId }, [helpCard()]);
    },
    async invoke() {
      return { status: 200, body: {} };
    },
  };
}
