// Bolt's first middleware, in HTTP and Socket Mode alike: control characters leave every text, a
// body of the wrong shape is refused before any listener sees it (Socket Mode bodies reach no HTTP
// guard), and whatever no listener handles is acked at once, so Slack does not wait 3 s for a 404.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../../log.js';
import { stripControlsDeep } from './controls.js';
import { bodyProblem } from './schema.js';

/** The action ids and callback ids the listeners handle. */
export type Known = { actions: (string | RegExp)[]; views: string[] };

/** An id against a listener's id or pattern, as Bolt matches a listener's constraint. */
export const matches = (m: string | RegExp, id: string) => (typeof m === 'string' ? m === id : m.test(id));

type Body = { type?: string; command?: string; actions?: { action_id?: string }[]; view?: { callback_id?: string } };

function handled(body: Body, known: Known): boolean {
  if (body.command !== undefined) return body.command === '/incident';
  if (body.type === 'block_actions') return known.actions.some((m) => matches(m, body.actions?.[0]?.action_id ?? ''));
  if (body.type === 'view_submission') return known.views.includes(body.view?.callback_id ?? '');
  return false;
}

export function edgeMiddleware(known: Known, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Body;
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (answer?: object) => Promise<void>) : undefined;
    stripControlsDeep(body);
    const problem = bodyProblem(body);
    if (problem) {
      log.warn({ problem }, 'Slack request refused: malformed body');
      await ack?.(body.command !== undefined ? { response_type: 'ephemeral', text: `Refused: ${problem}.` } : undefined);
      return;
    }
    if (handled(body, known)) return args.next();
    log.info({ type: body.type, command: body.command }, 'Slack request nothing handles; acked');
    if (body.command !== undefined) return ack?.({ response_type: 'ephemeral', text: `This bot answers /incident only, not ${body.command}.` });
    // A suggestion request must be answered with options; none are offered.
    await ack?.(body.type === 'block_suggestion' ? { options: [] } : undefined);
  };
}
