// The shape shared by /incident subcommands: do the committed work, answer the user, then talk.
import type { Asked } from '../../../../app/intent.js';
import type { Logger } from '../../../../log.js';
import type { SlackDeps, WebClient } from '../../context.js';

export type CommandInput = {
  args: string[];
  rest: string;
  userId: string;
  channelId: string;
  teamId: string;
  triggerId: string;
};

export type CommandContext = { deps: SlackDeps; client: WebClient; input: CommandInput; log: Logger; asked: () => Promise<Asked> };

/** `reply` is the ephemeral answer sent with the ack; `after` runs once the ack has gone. */
export type CommandResult = { reply?: string; blocks?: unknown[]; after?: () => Promise<void> };

export type Subcommand = (ctx: CommandContext) => Promise<CommandResult>;
