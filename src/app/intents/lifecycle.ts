// The incident's status: the Orgo Case, mitigate, resolve, reopen, close; and the read-only views of it.
import { UPDATE_JOB } from '../../core/cadence/rules.js';
import { holderOf, pendingJob, type IncidentState } from '../../core/incidents/model.js';
import type { ChangeOutcome } from '../../core/ports.js';
import { command, em, icon, join, room, strong, t, user, type Rich } from '../../core/views/rich-text.js';
import { utc } from '../../core/views/text.js';
import type { Workspace } from '../../core/incidents/model.js';
import { here, keyed, replyText, say, talkAfter, type AppContext } from '../context.js';
import type { Asked, Outcome } from '../intent.js';

const minutesOf = (ms: number) => Math.round(ms / 60_000);

export function lifecycleIntents(ctx: AppContext) {
  const { lifecycle } = ctx.deps;

  /** The room's topic says where the incident stands; a failure to set it is only logged. */
  const topic = (ws: Workspace, s: IncidentState, text: string) =>
    ctx.talk.chat(ws).setTopic(ws, s.incident.roomId!, text.slice(0, 250)).catch((err) => ctx.talk.logFor(s).warn({ err }, 'could not set the room topic'));

  /** A status change: told in the room, the header refreshed, and anything else it needs. */
  const changed = (asked: Asked, done: ChangeOutcome<unknown>, line: Rich, reply: Rich, extra?: () => Promise<void>): Outcome => {
    if (!done.changed && !done.replayed) return replyText(['Nothing to change.']);
    return {
      reply: say(reply),
      after: talkAfter(
        done,
        async () => {
          await ctx.talk.say(asked.ws, done.state, line);
          await extra?.();
        },
        () => ctx.talk.refreshHeader(asked.ws, done.state),
      ),
    };
  };

  /** The recovery checklist's messages, after a change that moved its steps (when it is attached). */
  const refreshRecovery = (ws: Workspace, s: IncidentState) => {
    const recovery = ctx.deps.checklists.runbook.recovery;
    return s.checklists.some((c) => c.checklistId === recovery.id) ? ctx.talk.refreshChecklist(ws, s, recovery) : Promise.resolve();
  };

  /** Records the case; in the same event it ticks the §8 step that asks for it. */
  const recordCase = (asked: Asked & { url: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await lifecycle.recordCase(asked.ws, asked.roomId ?? '', asked.actor, asked.url);
      const { url, settled } = done.result;
      return changed(
        asked,
        done,
        t`${user(asked.actor)} recorded the governed Orgo Case: ${{ link: url }}${settled ? ` (§8 step ticked: ${settled.text})` : ''}`,
        settled ? [`Done: Orgo Case recorded, and its §8 step is ticked: ${settled.text}`] : ['Done: Orgo Case recorded.'],
        settled ? () => refreshRecovery(asked.ws, done.state) : undefined,
      );
    });

  const mitigate = (asked: Asked): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await lifecycle.mitigate(asked.ws, asked.roomId ?? '', asked.actor);
      return changed(asked, done, t`${user(asked.actor)} marked the incident ${strong('mitigated')}. Updates stay due until it is resolved.`, ['Done: mitigated.']);
    });

  const reopen = (asked: Asked & { reason: string | null }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await lifecycle.reopen(asked.ws, asked.roomId ?? '', asked.actor, asked.reason);
      const i = done.state.incident;
      return changed(
        asked,
        done,
        t`${user(asked.actor)} ${strong('reopened')} the incident${asked.reason ? `: ${asked.reason}` : ''}. The §8 recovery steps are open again: validate recovery before resolving.`,
        ['Done: reopened. The §8 recovery steps are open again.'],
        async () => {
          await topic(asked.ws, done.state, `REOPENED · ${i.severity} · ${i.title}`);
          await refreshRecovery(asked.ws, done.state);
        },
      );
    });

  /** §9: the IC closes a resolved incident once its postmortem packet is complete. */
  const close = (asked: Asked): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await lifecycle.close(asked.ws, asked.roomId ?? '', asked.actor);
      const i = done.state.incident;
      return changed(asked, done, t`${user(asked.actor)} ${strong('closed')} the incident: the postmortem packet is complete.`, ['Done: closed.'], () =>
        topic(asked.ws, done.state, `CLOSED · ${i.severity} · ${i.title}`),
      );
    });

  const resolve = (asked: Asked): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const done = await lifecycle.resolve(asked.ws, asked.roomId ?? '', asked.actor);
      const minutes = minutesOf(done.result.durationMs);
      const i = done.state.incident;
      return {
        reply: say(t`Done: resolved. The postmortem packet is due within 72 hours (${command('postmortem')}).`),
        after: talkAfter(
          done,
          async () => {
            await ctx.talk.say(asked.ws, done.state, t`${icon('succeeded')} ${user(asked.actor)} ${strong('resolved')} incident #${i.number} after ${minutes} min. Reminders have stopped.`);
            await topic(asked.ws, done.state, `RESOLVED after ${minutes} min · ${i.severity} · ${i.title}`);
          },
          () => ctx.talk.refreshHeader(asked.ws, done.state),
        ),
      };
    });

  /** The header, shown only to whoever asked. */
  const status = async (asked: Asked): Promise<Outcome> => ({ reply: ctx.talk.header(await here(ctx, asked)) });

  /** The workspace's open incidents. */
  const list = async (asked: Asked): Promise<Outcome> => {
    const open = await lifecycle.list(asked.ws);
    if (open.length === 0) return replyText(['No open incidents.']);
    const now = lifecycle.now().getTime();
    const lines = open.map((s) => {
      const i = s.incident;
      const ic = holderOf(s, 'ic');
      const due = pendingJob(s, UPDATE_JOB)?.dueAt;
      const age = minutesOf(now - i.declaredAt.getTime());
      return t`• #${i.number} ${i.drill ? t`${strong('DRILL')} ` : []}${i.severity} ${i.roomId ? room(i.roomId) : i.title} · ${i.status} · IC ${ic ? user(ic) : em('unfilled')} · ${age} min old · next update ${due ? utc(due) : 'as needed'}`;
    });
    return replyText(t`${strong(`Open incidents (${open.length})`)}\n${join(lines, '\n')}`);
  };

  return { recordCase, mitigate, reopen, resolve, close, status, list };
}
