// Declaring an incident, and finishing a room set-up that failed.
import { DomainError, ErrorCode } from '../../core/errors.js';
import type { DeclareInput } from '../../core/incidents/declare-input.js';
import { holderOf } from '../../core/incidents/model.js';
import { declareFormView } from '../../core/views/incident.js';
import { room, t } from '../../core/views/rich-text.js';
import { replyText, type AppContext } from '../context.js';
import type { Asked, Outcome } from '../intent.js';

export function declareIntents(ctx: AppContext) {
  const { incidents, checklists } = ctx.deps;

  const declareForm = (title: string) => declareFormView(incidents.model, checklists.runbook, title);

  /**
   * Saves the incident first (so errors can still show in the form); the room is set up after the
   * reply, a few at a time. The delivery key makes a resubmission find the first incident.
   */
  const declare = async (asked: Asked & { input: DeclareInput }): Promise<Outcome & { incidentId: string; number: number; created: boolean }> => {
    const { state, created } = await incidents.declare(asked.ws, asked.actor, asked.key, asked.roomId, asked.input);
    const log = ctx.talk.logFor(state);
    log.info({ number: state.incident.number, created }, 'incident declared');
    return {
      incidentId: state.incident.id,
      number: state.incident.number,
      created,
      // A resubmission or a retried delivery found the first incident: its set-up is already under way.
      after: async () => {
        if (created) void ctx.deps.background(() => ctx.setup.run(asked.ws, state)).catch((err) => log.error({ err }, 'incident set-up failed'));
      },
    };
  };

  /** "Retry" on the message that told the declarer their incident's set-up failed. */
  const retrySetup = async (asked: Asked & { incidentId: string }): Promise<Outcome> => {
    const state = await incidents.claimed(asked.ws, asked.incidentId);
    if (asked.actor !== state.incident.declaredBy && asked.actor !== holderOf(state, 'ic')) {
      throw new DomainError(ErrorCode.NotAllowed, 'Only the declarer or the Incident Commander can retry the set-up.');
    }
    const after = await ctx.setup.run(asked.ws, state);
    return after.incident.roomId ? replyText(t`Set-up finished: ${room(after.incident.roomId)}.`) : {};
  };

  return { declareForm, declare, retrySetup };
}
