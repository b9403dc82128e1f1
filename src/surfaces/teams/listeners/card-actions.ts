// A click on an Action.Execute button (adaptiveCard/action): the verb names the intent, the data its
// target (claims the app checks against the room's incident). The invoke response answers the
// clicker only: the refreshed card when the answer is one, else a short message; the room's cards
// are refreshed for everyone by the app's talk (updateActivity).
import type { ChatView } from '../../../app/chat-port.js';
import type { Outcome } from '../../../app/intent.js';
import type { Asked } from '../../../app/intent.js';
import { DomainError, ErrorCode } from '../../../core/errors.js';
import type { Severity } from '../../../core/incidents/model.js';
import { CARD_TYPE, words } from '../cards/card.js';
import { renderView } from '../cards/index.js';
import type { Turn } from '../turn.js';
import { askedOf, errorView, inRoom, roomOf, talk, type Claims, type TeamsListenerDeps } from './context.js';

type Verb = (deps: TeamsListenerDeps, asked: Asked, c: Claims) => Promise<Outcome>;

const need = (c: Claims, ...keys: string[]) => {
  for (const k of keys) if (!c[k]) throw new DomainError(ErrorCode.InvalidInput, 'That button is out of date; post the card again.');
};

const VERBS: Record<string, Verb> = {
  'role.take': (d, a, c) => (need(c, 'incidentId', 'role'), d.app.takeRole({ ...a, incidentId: c.incidentId!, role: c.role! })),
  'item.done': (d, a, c) => (need(c, 'incidentId', 'itemId'), d.app.step({ ...a, incidentId: c.incidentId!, itemId: c.itemId!, verb: 'done' })),
  'item.undo': (d, a, c) => (need(c, 'incidentId', 'itemId'), d.app.step({ ...a, incidentId: c.incidentId!, itemId: c.itemId!, verb: 'undo' })),
  'update.snooze': (d, a) => d.app.snooze(a),
  'playbook.attach': (d, a, c) => (need(c, 'incidentId', 'playbook'), d.app.attachPlaybook({ ...a, incidentId: c.incidentId!, playbook: c.playbook! })),
  'severity.raise': (d, a, c) => (need(c, 'incidentId', 'severity'), d.app.raiseSeverity({ ...a, incidentId: c.incidentId!, to: c.severity as Severity })),
  'action.approve': (d, a, c) => (need(c, 'requestId'), d.app.approveAction({ ...a, requestId: c.requestId! })),
  'action.confirm': (d, a, c) => (need(c, 'requestId'), d.app.confirmAction({ ...a, requestId: c.requestId!, result: c.outcome === 'failed' ? 'failed' : 'done' })),
  'action.lift': (d, a, c) => (need(c, 'requestId'), d.app.liftAction({ ...a, requestId: c.requestId! })),
  'lift.approve': (d, a, c) => (need(c, 'requestId'), d.app.approveLift({ ...a, requestId: c.requestId! })),
  'setup.retry': (d, a, c) => (need(c, 'incidentId'), d.app.retrySetup({ ...a, incidentId: c.incidentId! })),
};

/** Views that are cards of their own: shown in place of the clicked card, for the clicker. */
const CARD_KINDS = new Set<ChatView['kind']>(['header', 'checklist', 'playbooks', 'actions', 'raise', 'action-requested', 'action-confirm']);

const message = (text: string) => ({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } });

const cardAnswer = (value: unknown) => ({ status: 200, body: { statusCode: 200, type: CARD_TYPE, value } });

export function invokeAnswer(deps: TeamsListenerDeps, view: ChatView | undefined, roomId: string) {
  if (!view) return message('Done.');
  const cards = inRoom(renderView(view, deps.render), roomId);
  if (CARD_KINDS.has(view.kind)) return cardAnswer(cards[0]);
  return message(view.kind === 'text' ? words(view.text, deps.render) : 'Done.');
}

export async function onCardAction(deps: TeamsListenerDeps, turn: Turn) {
  const value = (turn.ctx.activity.value ?? {}) as { action?: { verb?: string; data?: Claims } };
  const verb = value.action?.verb ?? '';
  const claims: Claims = Object.fromEntries(Object.entries(value.action?.data ?? {}).filter(([, v]) => typeof v === 'string'));
  const roomId = roomOf(turn, claims);
  const log = turn.log.child({ verb, room: roomId });
  let outcome: Outcome;
  try {
    const run = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
    if (!run) throw new DomainError(ErrorCode.InvalidInput, 'That button is not one of the bot’s.');
    outcome = await run(deps, askedOf(turn, roomId), claims);
  } catch (e) {
    return invokeAnswer(deps, errorView(e, log), roomId);
  }
  await talk(deps, { ...turn, log }, roomId, outcome);
  // No answer of its own: the clicked card as the talk just repainted it, shown to the clicker at once.
  const clicked = turn.ctx.activity.replyToId;
  const repainted = !outcome.reply && clicked ? deps.chat.latestCard(clicked) : undefined;
  return repainted ? cardAnswer(repainted) : invokeAnswer(deps, outcome.reply, roomId);
}
