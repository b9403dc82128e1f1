// §9: the postmortem packet and its written sections, corrective actions, and §7.2 external drafts.
import { DomainError, ErrorCode } from '../../core/errors.js';
import type { PostmortemFields } from '../../core/incidents/model.js';
import { packetComplete, packetGaps } from '../../core/postmortem/packet.js';
import { code, command, icon, join, strong, t, user } from '../../core/views/rich-text.js';
import { here, keyed, replyText, say, talkAfter, type AppContext } from '../context.js';
import type { Asked, Outcome } from '../intent.js';

export function postmortemIntents(ctx: AppContext) {
  const { postmortems } = ctx.deps;

  /** The §9.1 packet, built from the timeline and attached in the room. */
  const packet = async (asked: Asked): Promise<Outcome> => {
    const s = await here(ctx, asked);
    const gaps = packetGaps(s);
    const filename = `incident-${s.incident.number}-postmortem.md`;
    const missing = [...gaps.sections, ...(s.followups.length ? [] : ['corrective actions'])];
    return {
      reply: say(packetComplete(s) ? ['Uploading the postmortem packet (complete).'] : [`Uploading the postmortem packet. Still to write: ${missing.join(', ')}.`]),
      // People's names are looked up after the answer has gone: a directory lookup must not delay it.
      after: async () => {
        const { markdown, complete } = await postmortems.packet(asked.ws, s, ctx.deps.people);
        await ctx.talk.chat(asked.ws).attachFile(asked.ws, s.incident.roomId!, { name: filename, content: markdown, title: `Postmortem packet: incident #${s.incident.number}` });
        ctx.talk.logFor(s).info({ complete }, 'postmortem packet attached');
      },
    };
  };

  /** The written sections as they stand, for the edit form. */
  const sections = async (asked: Asked): Promise<PostmortemFields | null> => (await here(ctx, asked)).postmortem;

  const saveSections = (asked: Asked & { fields: PostmortemFields }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      await postmortems.saveSections(asked.ws, asked.roomId ?? '', asked.actor, asked.fields);
      return replyText(['Postmortem sections saved.']);
    });

  const followupAdd = (asked: Asked & { title: string; owner: string; dueOn: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await postmortems.addFollowup(asked.ws, asked.roomId ?? '', asked.actor, { title: asked.title, owner: asked.owner, dueOn: asked.dueOn });
      const line = t`Corrective action #${done.result} added by ${user(asked.actor)}: ${asked.title} · owner ${user(asked.owner)} · due ${asked.dueOn}.`;
      return { after: talkAfter(done, () => ctx.talk.say(asked.ws, done.state, line)) };
    });

  const followupDone = (asked: Asked & { seq: number }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      if (!Number.isInteger(asked.seq) || asked.seq < 1) {
        throw new DomainError(ErrorCode.InvalidInput, t`Write it as ${command('followup', 'done <number>')}, for example ${command('followup', 'done 2')}.`);
      }
      const done = await postmortems.doneFollowup(asked.ws, asked.roomId ?? '', asked.actor, asked.seq);
      if (!done.changed && !done.replayed) return replyText([`Corrective action #${asked.seq} was already done.`]);
      return { reply: say([`Done: #${asked.seq}.`]), after: talkAfter(done, () => ctx.talk.say(asked.ws, done.state, t`${user(asked.actor)} completed corrective action #${asked.seq}.`)) };
    });

  const followupList = async (asked: Asked): Promise<Outcome> => {
    const s = await here(ctx, asked);
    if (s.followups.length === 0) return replyText(t`No corrective actions yet; ${command('followup', 'add')} adds one.`);
    const lines = s.followups.map(
      (f) => t`• #${f.seq} ${f.title} · ${f.owner ? user(f.owner) : strong('no owner')} · ${f.dueOn ? f.dueOn.toISOString().slice(0, 10) : strong('no deadline')} · ${f.doneAt ? 'done' : 'open'}`,
    );
    return replyText(t`${strong('Corrective actions (§9.2)')}\n${join(lines, '\n')}`);
  };

  /** Before the follow-up form opens: refused outside an incident's room. */
  const followupForm = async (asked: Asked): Promise<void> => void (await here(ctx, asked));

  /**
   * Before the external form opens: refused outside an incident's room, and while §7.2's conditions
   * on the incident do not hold, so nobody writes the text only to be refused on submit.
   */
  const externalForm = (asked: Asked): Promise<void> => postmortems.assertMayDraftExternal(asked.ws, asked.roomId ?? '');

  /** Drafts an external update for the IC to copy, refused until §7.2 holds. */
  const external = (asked: Asked & { customerImpact: string; nextSteps: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const { draft, warnings } = await postmortems.draftExternal(asked.ws, asked.roomId ?? '', asked.actor, { customerImpact: asked.customerImpact, nextSteps: asked.nextSteps });
      const s = await here(ctx, asked);
      const warn = warnings.map((w) => t`\n${icon('warning')} ${w}`);
      return { after: () => ctx.talk.say(asked.ws, s, t`External update draft by ${user(asked.actor)}, for the IC to copy:\n${code(draft)}${join(warn, '')}`) };
    });

  return { packet, sections, saveSections, followupForm, followupAdd, followupDone, followupList, externalForm, external };
}
