// §7.1 status updates and the reminder's Snooze.
import type { UpdateFields } from '../../core/views/cadence.js';
import { t, user } from '../../core/views/rich-text.js';
import { utc } from '../../core/views/text.js';
import { here, keyed, talkAfter, type AppContext } from '../context.js';
import type { Asked, Outcome } from '../intent.js';

export function cadenceIntents(ctx: AppContext) {
  const { cadence } = ctx.deps;

  /** The update form's fields, or a refusal before it opens when this is not an incident's room. */
  const updateForm = async (asked: Asked) => {
    await here(ctx, asked);
    return { mitigationOptions: cadence.cadence.mitigationOptions };
  };

  /** Stored and in the timeline first, then posted in the room and shown on the header. */
  const postUpdate = (asked: Asked & { fields: Partial<UpdateFields> }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await cadence.postUpdate(asked.ws, asked.roomId ?? '', asked.actor, asked.fields);
      const i = done.state.incident;
      const view = { ...done.result.fields, number: i.number, title: i.title, severity: i.severity, author: asked.actor, at: done.result.at, nextDueAt: done.result.nextDueAt };
      return {
        after: talkAfter(
          done,
          async () => {
            await ctx.talk.chat(asked.ws).post(asked.ws, i.roomId!, { kind: 'update', view }).catch((e) => ctx.talk.failed(asked.ws, done.state, 'update.post', e));
          },
          () => ctx.talk.refreshHeader(asked.ws, done.state),
        ),
      };
    });

  /** "Snooze 5 min": delays the next reminder once per cycle. */
  const snooze = (asked: Asked): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await cadence.snooze(asked.ws, asked.roomId ?? '', asked.actor);
      return {
        after: talkAfter(
          done,
          () => ctx.talk.say(asked.ws, done.state, t`${user(asked.actor)} snoozed the update reminder until ${utc(done.result.until)}.`),
          () => ctx.talk.refreshHeader(asked.ws, done.state),
        ),
      };
    });

  return { updateForm, postUpdate, snooze };
}
