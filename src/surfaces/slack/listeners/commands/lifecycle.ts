// `/incident mitigate | resolve | reopen [reason] | close | case <link> | list`
import { UPDATE_JOB } from '../../../../core/cadence/rules.js';
import { holderOf, pendingJob, type IncidentState, type Workspace } from '../../../../core/incidents/model.js';
import { utc } from '../../../../core/views/text.js';
import { escape } from '../../blocks/text.js';
import { slackWorkspace } from '../../context.js';
import { refreshChecklist } from '../../checklist-messages.js';
import { announceInRoom, refreshHeader } from '../../room.js';
import type { CommandContext, CommandResult, Subcommand } from './types.js';

type Run = (ws: Workspace) => Promise<{ state: IncidentState; changed: boolean }>;

/**
 * Runs a lifecycle change in the command's channel, then tells the channel and refreshes the header
 * (and the recovery checklist, when the change moved its steps).
 */
async function change(ctx: CommandContext, run: Run, say: string, reply: string, movesRecovery = false): Promise<CommandResult> {
  const ws = await slackWorkspace(ctx.deps, ctx.input.teamId);
  const { state, changed } = await run(ws);
  if (!changed) return { reply: 'Nothing to change.' };
  return {
    reply,
    after: async () => {
      await announceInRoom(ctx.client, ctx.deps, ws, state, say, ctx.log);
      await refreshHeader(ctx.client, ctx.deps, ws, state, ctx.log);
      const recovery = ctx.deps.checklists.runbook.recovery;
      if (movesRecovery && state.checklists.some((c) => c.checklistId === recovery.id)) await refreshChecklist(ctx.client, ctx.deps, ws, state, recovery, ctx.log);
    },
  };
}

export const mitigate: Subcommand = (ctx) =>
  change(ctx, (ws) => ctx.deps.lifecycle.mitigate(ws, ctx.input.channelId, ctx.input.userId), `<@${ctx.input.userId}> marked the incident *mitigated*. Updates stay due until it is resolved.`, 'Done: mitigated.');

export const reopen: Subcommand = (ctx) =>
  change(
    ctx,
    (ws) => ctx.deps.lifecycle.reopen(ws, ctx.input.channelId, ctx.input.userId, ctx.input.args.join(' ') || null),
    `<@${ctx.input.userId}> *reopened* the incident${ctx.input.args.length ? `: ${escape(ctx.input.args.join(' '))}` : ''}. The §8 recovery steps are open again: validate recovery before resolving.`,
    'Done: reopened. The §8 recovery steps are open again.',
    true,
  );

export const close: Subcommand = (ctx) =>
  change(ctx, (ws) => ctx.deps.lifecycle.close(ws, ctx.input.channelId, ctx.input.userId), `:lock: <@${ctx.input.userId}> *closed* the incident: the postmortem packet is complete.`, 'Done: closed.');

export const caseLink: Subcommand = async (ctx) => {
  const ws = await slackWorkspace(ctx.deps, ctx.input.teamId);
  const settled = await ctx.deps.lifecycle.recordCase(ws, ctx.input.channelId, ctx.input.userId, ctx.input.rest);
  const step = settled.result.settled;
  return change(
    ctx,
    async () => settled,
    `<@${ctx.input.userId}> recorded the governed Orgo Case: ${escape(settled.result.url)}${step ? ` (§8 step ticked: ${escape(step.text)})` : ''}`,
    step ? `Done: Orgo Case recorded, and its §8 step is ticked: ${escape(step.text)}` : 'Done: Orgo Case recorded.',
    step !== null,
  );
};

export const resolve: Subcommand = async (ctx) => {
  const ws = await slackWorkspace(ctx.deps, ctx.input.teamId);
  const { state, result } = await ctx.deps.lifecycle.resolve(ws, ctx.input.channelId, ctx.input.userId);
  const minutes = Math.round(result.durationMs / 60_000);
  return {
    reply: 'Done: resolved. The postmortem packet is due within 72 hours (`/incident postmortem`).',
    after: async () => {
      await announceInRoom(ctx.client, ctx.deps, ws, state, `:white_check_mark: <@${ctx.input.userId}> *resolved* incident #${state.incident.number} after ${minutes} min. Reminders have stopped.`, ctx.log);
      await refreshHeader(ctx.client, ctx.deps, ws, state, ctx.log);
      await ctx.client.conversations
        .setTopic({ channel: ctx.input.channelId, topic: `RESOLVED after ${minutes} min · ${state.incident.severity} · ${state.incident.title}`.slice(0, 250) })
        .catch((err) => ctx.log.warn({ err }, 'could not set the channel topic'));
    },
  };
};

export const list: Subcommand = async ({ deps, input }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const open = await deps.lifecycle.list(ws);
  if (open.length === 0) return { reply: 'No open incidents.' };
  const now = deps.lifecycle.now().getTime();
  const lines = open.map((s) => {
    const i = s.incident;
    const ic = holderOf(s, 'ic');
    const due = pendingJob(s, UPDATE_JOB)?.dueAt;
    const age = Math.round((now - i.declaredAt.getTime()) / 60_000);
    return `• #${i.number} ${i.severity} ${i.roomId ? `<#${i.roomId}>` : escape(i.title)} · ${i.status} · IC ${ic ? `<@${ic}>` : '_unfilled_'} · ${age} min old · next update ${due ? utc(due) : 'as needed'}`;
  });
  return { reply: `*Open incidents (${open.length})*\n${lines.join('\n')}` };
};
