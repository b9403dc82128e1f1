// The /incident slash command: parse the subcommand, run it, ack with its answer, then talk.
import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { HELP } from '../../blocks/messages.js';
import { commandKey, slackWorkspace, type SlackDeps } from '../../context.js';
import { errorText } from '../../reply.js';
import { actions } from './actions.js';
import { assign } from './assign.js';
import { declare } from './declare.js';
import { caseLink, close, list, mitigate, reopen, resolve, status } from './status.js';
import { checklist, playbook } from './playbook.js';
import { severity } from './severity.js';
import { update } from './update.js';
import { external, followup, postmortem } from './postmortem.js';
import type { Subcommand } from './types.js';

// A null prototype: a subcommand named like an Object method (`constructor`, `__proto__`) is unknown.
const SUBCOMMANDS: Record<string, Subcommand> = Object.assign(Object.create(null) as Record<string, Subcommand>, {
  declare,
  assign,
  severity,
  status,
  checklist,
  playbook,
  update,
  mitigate,
  resolve,
  reopen,
  close,
  case: caseLink,
  list,
  postmortem,
  followup,
  external,
  actions,
  help: async () => ({ reply: HELP }),
});

export function incidentCommand(deps: SlackDeps) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const [sub = 'help', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const log = deps.log.child({ workspace: command.team_id, user: command.user_id, channel: command.channel_id, command: sub });
    const input = {
      args,
      rest: command.text.trim().slice(sub.length).trim(),
      userId: command.user_id,
      channelId: command.channel_id,
      teamId: command.team_id,
      triggerId: command.trigger_id,
    };
    const asked = async () => ({ ws: await slackWorkspace(deps, input.teamId), actor: input.userId, roomId: input.channelId, key: commandKey(input.triggerId) });
    let result;
    try {
      const run = SUBCOMMANDS[sub.toLowerCase()];
      if (!run) throw new DomainError(ErrorCode.UnknownCommand, `\`${sub}\` is not an incident command.\n${HELP}`);
      result = await run({ deps, client, input, log, asked });
    } catch (e) {
      await ack({ response_type: 'ephemeral', text: errorText(e, log) });
      return;
    }
    await ack(result.reply ? { response_type: 'ephemeral', text: result.reply, ...(result.blocks ? { blocks: result.blocks as never } : {}) } : undefined);
    try {
      await result.after?.();
    } catch (e) {
      await respond({ response_type: 'ephemeral', text: errorText(e, log) }).catch((err) => log.error({ err }, 'respond failed'));
    }
  };
}

export function registerCommands(app: App, deps: SlackDeps) {
  app.command('/incident', incidentCommand(deps));
}
