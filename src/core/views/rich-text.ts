// Structured message text. The core and the application layer say *what* a line holds (a person, a
// room, a link, a command by its intent); each surface renders it in its own markup: Slack mrkdwn,
// Teams <at> mentions with entities, the console's HTML.

/** The commands a text can point at, named by intent; each surface supplies its own syntax. */
export const COMMANDS = [
  'declare', 'assign', 'severity', 'status', 'update', 'checklist', 'playbook', 'actions', 'case', 'mitigate',
  'resolve', 'reopen', 'close', 'postmortem', 'followup', 'external', 'list', 'help',
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Status marks; each surface draws its own (Slack emoji codes, Unicode elsewhere). */
export const ICONS = ['succeeded', 'failed', 'timed_out', 'refused', 'warning', 'alarm', 'lock'] as const;
export type IconName = (typeof ICONS)[number];

export type Part =
  | string
  | { user: string }
  | { room: string }
  | { link: string; label?: string }
  | { strong: string }
  | { em: string }
  | { code: string }
  /** "the command that does X": `{ command: 'case', args: '<link>' }`; Slack shows it as its slash command. */
  | { command: CommandName; args?: string }
  | { icon: IconName };

export type Rich = readonly Part[];

export const user = (id: string): Part => ({ user: id });
export const room = (id: string): Part => ({ room: id });
export const link = (url: string, label?: string): Part => (label ? { link: url, label } : { link: url });
export const strong = (text: string): Part => ({ strong: text });
export const em = (text: string): Part => ({ em: text });
export const code = (text: string): Part => ({ code: text });
export const command = (name: CommandName, args?: string): Part => (args ? { command: name, args } : { command: name });
export const icon = (name: IconName): Part => ({ icon: name });

const ICON_TEXT: Record<IconName, string> = { succeeded: '✅', failed: '❌', timed_out: '⌛', refused: '⛔', warning: '⚠️', alarm: '🚨', lock: '🔒' };
/** The Unicode mark of an icon, for surfaces that have no emoji codes of their own. */
export const iconText = (name: IconName): string => ICON_TEXT[name];

type Value = Part | Rich | number;

/** `t\`Only ${user(ic)} can assign roles.\``: plain strings stay text, parts stay parts. */
export function t(strings: TemplateStringsArray, ...values: Value[]): Rich {
  const out: Part[] = [];
  const push = (p: Part) => {
    if (typeof p === 'string' && typeof out.at(-1) === 'string') out[out.length - 1] = `${out.at(-1) as string}${p}`;
    else if (p !== '') out.push(p);
  };
  strings.forEach((s, i) => {
    push(s);
    if (i >= values.length) return;
    const v = values[i]!;
    if (typeof v === 'number') push(String(v));
    else if (Array.isArray(v)) (v as Rich).forEach(push);
    else push(v as Part);
  });
  return out;
}

/** Joins texts with a separator, as `[a, b].join(sep)` does for strings. */
export function join(texts: readonly (Rich | Part)[], sep: string): Rich {
  return texts.flatMap((r, i) => {
    const parts = Array.isArray(r) ? (r as Rich) : [r as Part];
    return i === 0 ? [...parts] : [sep, ...parts];
  });
}

export const isRich = (v: unknown): v is Rich => Array.isArray(v);

/**
 * Plain words, for logs, error messages and anything that has no markup at all. Commands show as
 * their bare intent (`case <link>`), people and rooms as their ids.
 */
export function plain(text: Rich | string): string {
  if (typeof text === 'string') return text;
  return text
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('user' in p) return `@${p.user}`;
      if ('room' in p) return `#${p.room}`;
      if ('link' in p) return p.label ? `${p.label} (${p.link})` : p.link;
      if ('strong' in p) return p.strong;
      if ('em' in p) return p.em;
      if ('code' in p) return p.code;
      if ('icon' in p) return ICON_TEXT[p.icon];
      return p.args ? `${p.command} ${p.args}` : p.command;
    })
    .join('');
}
