// The Teams listeners: a command in a message, a card button, a dialog's opening and submission.
import type { Listeners } from '../turn.js';
import { onCardAction } from './card-actions.js';
import { onCommand } from './commands.js';
import type { TeamsListenerDeps } from './context.js';
import { onTaskFetch, onTaskSubmit } from './dialogs.js';

export function teamsListeners(deps: TeamsListenerDeps): Listeners {
  return {
    message: (turn) => onCommand(deps, turn),
    async invoke(turn) {
      switch (turn.ctx.activity.name) {
        case 'adaptiveCard/action':
          return onCardAction(deps, turn);
        case 'task/fetch':
          return onTaskFetch(deps, turn);
        case 'task/submit':
          return onTaskSubmit(deps, turn);
        default:
          return { status: 200, body: {} };
      }
    },
  };
}
