// `@Incident <command> ...`: the words of Slack's `/incident`, the same intents. The answer goes to
// the person privately; a command that needs a form answers with a button that opens its dialog
// (a message cannot open one by itself).
import type { Outcome } from '../../../app/intent.js';
import { DomainError, ErrorCode } from '../../../core/errors.js';
import { card, openForm, textBlock, type Card } from '../cards/card.js';
import { helpCard } from '../cards/help.js';
import { renderView } from '../cards/index.js';
import { MENTION_TOKEN, parseCommand, type ParsedCommand } from '../commands.js';
import type { Turn } from '../turn.js';
import { askedOf, errorView, talk, tellPrivately, type TeamsListenerDeps } from './context.js';

type Run = (deps: TeamsListenerDeps, turn: Turn, cmd: ParsedCommand) => Promise<Outcome | Card[]>;

const USAGE_ASSIGN = 'Write it as `@Incident assign <role> @person`, for example `@Incident assign ops @Dana`.';

/** A private card with one button that opens a dialog for the room. */
const formButton = (text: string, label: string, form: string, data: Record<string, string>): Card[] => [card([textBlock(text)], [], [openForm(label, form, data)])];

function mentioned(token: string | undefined): string {
  const m = token ? MENTION_TOKEN.exec(token) : null;
  if (!m) throw new DomainError(ErrorCode.InvalidInput, `Name the person with an @-mention. ${USAGE_ASSIGN}`);
  return m[1]!;
}

const asked = (turn: Turn) => askedOf(turn, turn.roomId);

// Looked up as an own property only: a command named like an Object method (`constructor`) is unknown.
const COMMANDS: Record<string, Run> = {
  declare: async (_d, turn, cmd) => formButton('Declare an incident: the form opens in a dialog.', 'Open the declare form', 'declare', { origin: turn.roomId, title: cmd.rest.slice(0, 150) }),
  assign: async (d, turn, cmd) => {
    if (cmd.args.length !== 2) throw new DomainError(ErrorCode.InvalidInput, USAGE_ASSIGN);
    return d.app.assign({ ...asked(turn), role: cmd.args[0]!, userId: mentioned(cmd.args[1]) });
  },
  severity: async (d, turn, cmd) => {
    const [level, ...why] = cmd.args;
    if (!level) throw new DomainError(ErrorCode.BadSeverity, 'Write it as `@Incident severity SEV<0-4> [reason]`, for example `@Incident severity SEV1 spreading to more tenants`.');
    return d.app.severity({ ...asked(turn), level, reason: why.join(' ') || null });
  },
  status: (d, turn) => d.app.status(asked(turn)),
  checklist: (d, turn, cmd) => d.app.checklist({ ...asked(turn), ...(cmd.args[0] ? { name: cmd.args[0] } : {}) }),
  playbook: (d, turn, cmd) => (cmd.args.length ? d.app.attachPlaybooks({ ...asked(turn), playbooks: cmd.args }) : d.app.playbooks(asked(turn))),
  update: async (d, turn) => {
    await d.app.updateForm(asked(turn));
    return formButton('Post a §7.1 status update: the form opens in a dialog.', 'Post update', 'update', { room: turn.roomId });
  },
  mitigate: (d, turn) => d.app.mitigate(asked(turn)),
  resolve: (d, turn) => d.app.resolve(asked(turn)),
  reopen: (d, turn, cmd) => d.app.reopen({ ...asked(turn), reason: cmd.rest || null }),
  case: (d, turn, cmd) => d.app.recordCase({ ...asked(turn), url: cmd.rest }),
  list: (d, turn) => d.app.list(asked(turn)),
  postmortem: async (d, turn, cmd) => {
    if (cmd.args[0]?.toLowerCase() !== 'edit') return d.app.packet(asked(turn));
    await d.app.sections(asked(turn));
    return formButton('Write the postmortem sections (§9.1): the form opens in a dialog.', 'Edit the postmortem', 'postmortem', { room: turn.roomId });
  },
  followup: async (d, turn, cmd) => {
    const [verb, arg] = cmd.args.map((a) => a.toLowerCase());
    if (verb === 'add') {
      await d.app.followupForm(asked(turn));
      return formButton('Add a corrective action (§9.2): the form opens in a dialog.', 'Add a corrective action', 'followup', { room: turn.roomId });
    }
    if (verb === 'done') return d.app.followupDone({ ...asked(turn), seq: Number(arg?.replace(/^#/, '')) });
    if (verb !== undefined && verb !== 'list') throw new DomainError(ErrorCode.InvalidInput, 'Use `@Incident followup add`, `@Incident followup list` or `@Incident followup done <number>`.');
    return d.app.followupList(asked(turn));
  },
  external: async (d, turn) => {
    await d.app.externalForm(asked(turn));
    return formButton('Draft an external update (§7.2): the form opens in a dialog.', 'Draft the update', 'external', { room: turn.roomId });
  },
  actions: (d, turn) => d.app.overview(asked(turn)),
  help: async () => [helpCard()],
};

export async function onCommand(deps: TeamsListenerDeps, turn: Turn): Promise<void> {
  const cmd = parseCommand(turn.ctx.activity, deps.botId);
  const log = turn.log.child({ command: cmd.name, room: turn.roomId });
  let result: Outcome | Card[];
  try {
    const run = Object.hasOwn(COMMANDS, cmd.name) ? COMMANDS[cmd.name] : undefined;
    if (!run) throw new DomainError(ErrorCode.UnknownCommand, `"${cmd.name}" is not an incident command. \`@Incident help\` lists them.`);
    result = await run(deps, { ...turn, log }, cmd);
  } catch (e) {
    await tellPrivately(deps, turn, turn.roomId, renderView(errorView(e, log), deps.render));
    return;
  }
  if (Array.isArray(result)) return tellPrivately(deps, turn, turn.roomId, result);
  if (result.reply) await tellPrivately(deps, turn, turn.roomId, renderView(result.reply, deps.render));
  await talk(deps, { ...turn, log }, turn.roomId, result);
}
