// §6 containment actions: the request form, request, approve, confirm by hand, lift and approve a lift,
// the overview.
import { prefill } from '../../core/actions/catalog.js';
import { describeRequest, inForceView } from '../../core/actions/service.js';
import type { ParamValue } from '../../core/actions/gates.js';
import { DomainError, ErrorCode, incidentNotFound } from '../../core/errors.js';
import { join, strong, t, user } from '../../core/views/rich-text.js';
import { manualOutcome } from '../../executors/manual.js';
import { actionLine } from '../action-runs.js';
import type { ChatView } from '../chat-port.js';
import { coreText } from '../core-text.js';
import { here, keyed, type AppContext } from '../context.js';
import type { Asked, Outcome } from '../intent.js';

/** A refusal by a gate (already recorded as `action.refused`), with the form field it belongs to. */
const refused = (reason: string) => new DomainError(ErrorCode.GateRefused, coreText(reason), /evidence/i.test(reason) ? 'override' : undefined);

export function actionIntents(ctx: AppContext) {
  const { actions } = ctx.deps;

  /** The request form's action and its fields prefilled from the incident. */
  const requestForm = async (asked: Asked & { actionId: string }) => {
    const s = await here(ctx, asked);
    const action = actions.action(asked.actionId);
    return { action, prefill: prefill(action, s.incident) };
  };

  /** The gates decide; an accepted request is announced and, when no approval is needed, runs at once. */
  const requestAction = (asked: Asked & { actionId: string; params: Record<string, ParamValue | undefined>; override?: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const action = actions.action(asked.actionId);
      const done = await actions.request(asked.ws, asked.roomId ?? '', asked.actor, action.id, asked.params, asked.override);
      const r = done.result;
      if (!r.ok) throw refused(r.reason);
      const approvers = r.approvers?.candidates ?? null;
      const view: ChatView = { kind: 'action-requested', line: actionLine(r.request, actions.action(r.request.actionId)), approvers };
      return {
        after: async () => {
          if (!done.replayed) await ctx.talk.chat(asked.ws).post(asked.ws, asked.roomId!, view).catch((err) => ctx.talk.logFor(done.state).warn({ err }, 'request post failed'));
          if (!approvers) await ctx.deps.kick();
        },
      };
    });

  const approveAction = (asked: Asked & { requestId: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await actions.approve(asked.ws, asked.roomId ?? '', asked.actor, asked.requestId);
      const r = done.result;
      if (!r.ok) throw refused(r.reason);
      const line = coreText(describeRequest(r.request, actions.action(r.request.actionId)));
      return {
        after: async () => {
          if (!done.replayed) await ctx.talk.say(asked.ws, done.state, t`${user(asked.actor)} approved ${line}. Running.`);
          await ctx.deps.kick();
          ctx.talk.logFor(done.state).info({ request: r.request.id }, 'action approved');
        },
      };
    });

  /** Done or Failed on a manual action, by whoever requested it. */
  const confirmAction = (asked: Asked & { requestId: string; result: 'done' | 'failed' }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const s = await here(ctx, asked);
      const request = s.actions.find((a) => a.id === asked.requestId);
      if (!request) throw incidentNotFound();
      const outcome = manualOutcome(request, { by: asked.actor, result: asked.result });
      if (!outcome) throw new DomainError(ErrorCode.NotAllowed, t`Only ${user(request.requestedBy)}, who requested it, can confirm request #${request.seq}.`);
      const done = await actions.recordOutcome(asked.ws, s.incident.id, request.id, outcome, 'confirmation');
      if (!done.changed && !done.replayed) {
        const after = done.state.actions.find((a) => a.id === request.id);
        throw new DomainError(
          ErrorCode.InvalidInput,
          after?.outcomeAt ? `Request #${request.seq} already has its outcome.` : `Request #${request.seq} is ${after?.status.replace(/_/g, ' ')}, not waiting for a confirmation by hand.`,
        );
      }
      const text = t`${coreText(describeRequest(request, actions.action(request.actionId)))}: ${strong(outcome.status.replace('_', ' '))} (confirmed by ${user(asked.actor)}).`;
      return { after: async () => (done.replayed ? ctx.talk.refreshHeader(asked.ws, done.state) : ctx.runs.told(asked.ws, done.state, text)) };
    });

  /**
   * Lift on a freeze, pause or hold in force, and the second person's Approve of a lift that fails
   * closed: done by hand at once, undone through the executor that applied it, or waiting for approval.
   */
  const lifting = (decide: 'lift' | 'approveLift') => (asked: Asked & { requestId: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await actions[decide](asked.ws, asked.roomId ?? '', asked.actor, asked.requestId);
      const r = done.result;
      if (!r.ok) throw refused(r.reason);
      const what = t`${coreText(describeRequest(r.request, r.action))} (${r.action.liftable?.title ?? 'Lift'})`;
      const text =
        r.lift === 'lifted'
          ? t`${user(asked.actor)} lifted ${what}.`
          : r.lift === 'requested'
            ? t`${user(asked.actor)} asked to lift ${what}. It stays in force until the lift succeeds.`
            : t`${user(asked.actor)} asked to lift ${what}. It fails closed, so a second person must approve (${join(r.approvers.map(user), ' or ')}) with Approve lift on the header; it stays in force until then.`;
      return {
        after: async () => {
          if (done.replayed) await ctx.talk.refreshHeader(asked.ws, done.state);
          else await ctx.runs.told(asked.ws, done.state, text);
          await ctx.deps.kick();
        },
      };
    });
  const liftAction = lifting('lift');
  const approveLift = lifting('approveLift');

  /** The catalog with Run buttons, requests awaiting approval, actions in force with Lift. */
  const overview = async (asked: Asked): Promise<Outcome> => {
    const s = await here(ctx, asked);
    const view: ChatView = {
      kind: 'actions',
      catalog: actions.catalog.actions,
      awaiting: actions.awaitingApproval(s).map(({ request, action }) => actionLine(request, action)),
      inForce: actions.inForce(s).map(({ request, action }) => {
        const v = inForceView(request, action);
        return { ...actionLine(request, action), text: coreText(v.text), lift: v.lift, liftFailed: request.liftStatus === 'failed' || request.liftStatus === 'timed_out', control: v.control };
      }),
    };
    return { reply: view };
  };

  return { requestForm, requestAction, approveAction, confirmAction, liftAction, approveLift, overview };
}
