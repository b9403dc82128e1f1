// Adaptive Card 1.5 building blocks, and structured text rendered as Teams reads it: mentions as
// <at>name</at> with a mention entity (the card's msteams.entities), commands as `@Incident <words>`.
import { iconText, plain, type Part, type Rich } from '../../../core/views/rich-text.js';

export { clip } from '../../slack/blocks/text.js';
export { utc } from '../../../core/views/text.js';

export const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Teams refuses a message much above 28 KB; the renderer splits well below it. */
export const MESSAGE_BYTES = 26_000;
/** The bot's name in commands, as the manifest names it. */
export const BOT_NAME = 'Incident';

export type Mention = { type: 'mention'; text: string; mentioned: { id: string; name: string } };
export type Element = Record<string, unknown> & { type: string };
export type CardAction = Record<string, unknown> & { type: 'Action.Execute' | 'Action.Submit' | 'Action.OpenUrl'; title: string };

export type Card = {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: Element[];
  actions?: CardAction[];
  msteams: { width: 'Full'; entities?: Mention[] };
};

/** People's display names, as the surface has seen them; a mention needs one to show. */
export type Names = (userId: string) => string;

export type Render = { names: Names };

/** Text with the mentions it carries, so a card can declare them. */
export type Said = { text: string; mentions: Mention[] };

/** User-written text cannot open a mention or a link of its own. */
export const escapeText = (s: string) => s.replace(/<(\/?at)/gi, '<\u200b$1').replace(/([*_`[\]])/g, '\\$1');

export const atText = (name: string) => `<at>${name.replace(/[<>]/g, '')}</at>`;

export function mentionOf(userId: string, r: Render): Mention {
  const name = r.names(userId);
  return { type: 'mention', text: atText(name), mentioned: { id: userId, name } };
}

/** A deep link to a room: a channel, or the first message of an incident's thread. */
export function roomLink(roomId: string): string {
  const [channel, root] = roomId.split(';messageid=');
  return root
    ? `https://teams.microsoft.com/l/message/${encodeURIComponent(channel!)}/${encodeURIComponent(root)}`
    : `https://teams.microsoft.com/l/channel/${encodeURIComponent(channel!)}/incident`;
}

export const commandText = (name: string, args?: string) => `\`@${BOT_NAME} ${name}${args ? ` ${args}` : ''}\``;

function part(p: Part, r: Render, mentions: Mention[]): string {
  if (typeof p === 'string') return escapeText(p);
  if ('user' in p) {
    const m = mentionOf(p.user, r);
    mentions.push(m);
    return m.text;
  }
  if ('room' in p) return `[the incident's room](${roomLink(p.room)})`;
  if ('link' in p) return `[${escapeText(p.label ?? p.link)}](${p.link})`;
  if ('strong' in p) return `**${escapeText(p.strong)}**`;
  if ('em' in p) return `_${escapeText(p.em)}_`;
  if ('code' in p) return `\`${p.code.replace(/`/g, "'")}\``;
  if ('icon' in p) return iconText(p.icon);
  return commandText(p.command, p.args);
}

export function say(text: Rich | string, r: Render): Said {
  const mentions: Mention[] = [];
  if (typeof text === 'string') return { text: escapeText(text), mentions };
  return { text: text.map((p) => part(p, r, mentions)).join(''), mentions };
}

/** Joins what several lines said, keeping every mention once. */
export function mentionsIn(...said: Said[]): Mention[] {
  const seen = new Map<string, Mention>();
  for (const s of said) for (const m of s.mentions) seen.set(`${m.mentioned.id}|${m.text}`, m);
  return [...seen.values()];
}

export const textBlock = (text: string, opts: Record<string, unknown> = {}): Element => ({ type: 'TextBlock', text, wrap: true, ...opts });
export const heading = (text: string): Element => textBlock(text, { size: 'Medium', weight: 'Bolder', style: 'heading' });
export const small = (text: string): Element => textBlock(text, { size: 'Small', isSubtle: true });
export const facts = (pairs: [string, string][]): Element => ({ type: 'FactSet', facts: pairs.map(([title, value]) => ({ title, value })) });

/** A button the bot answers in place (Universal Actions): `verb` names the intent, `data` its target. */
export const execute = (title: string, verb: string, data: Record<string, string>, style?: 'positive' | 'destructive'): CardAction => ({
  type: 'Action.Execute',
  title,
  verb,
  data,
  ...(style ? { style } : {}),
});

/** A button that opens one of the bot's dialogs (a task module) with the form named by `form`. */
export const openForm = (title: string, form: string, data: Record<string, string>): CardAction => ({
  type: 'Action.Submit',
  title,
  data: { msteams: { type: 'task/fetch' }, form, ...data },
});

export const actionSet = (actions: CardAction[]): Element => ({ type: 'ActionSet', actions });

export function card(body: Element[], mentions: Mention[] = [], actions: CardAction[] = []): Card {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full', ...(mentions.length ? { entities: mentions } : {}) },
  };
}

/** Collects the mentions a card makes as it is built: `who(id)` writes one, `rich(text)` renders text. */
export function mentioner(r: Render) {
  const said: Said[] = [];
  return {
    who(userId: string): string {
      const m = mentionOf(userId, r);
      said.push({ text: m.text, mentions: [m] });
      return m.text;
    },
    rich(text: Rich | string): string {
      const s = say(text, r);
      said.push(s);
      return s.text;
    },
    get mentions(): Mention[] {
      return mentionsIn(...said);
    },
  };
}

/** Text with no markup at all (an invoke's message answer): people by name, the rest as plain words. */
export function words(text: Rich | string, r: Render): string {
  if (typeof text === 'string') return text;
  return text.map((p) => (typeof p !== 'string' && 'user' in p ? r.names(p.user) : typeof p !== 'string' && 'command' in p ? `@${BOT_NAME} ${plain([p])}` : plain([p]))).join('');
}
