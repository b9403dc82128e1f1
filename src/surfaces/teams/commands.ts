// `@Incident <command> ...` in a channel, or `<command> ...` in a personal chat: the same words as
// Slack's `/incident <command> ...`. The bot's own mention is dropped; other mentions become user
// ids, so `assign ops @Dana` names Dana by her id.
import type { Activity } from 'botbuilder';

export type Mention = { id: string; name: string; text: string };

export type ParsedCommand = {
  name: string;
  args: string[];
  /** Everything after the command word, mentions still as their <at> text. */
  rest: string;
  /** Users mentioned, other than the bot, in order. */
  mentions: Mention[];
};

const decode = (s: string) => s.replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

export function mentionsOf(activity: Activity): Mention[] {
  return (activity.entities ?? [])
    .filter((e) => e.type === 'mention')
    .map((e) => {
      const m = e as unknown as { mentioned?: { id?: string; name?: string }; text?: string };
      return { id: m.mentioned?.id ?? '', name: m.mentioned?.name ?? '', text: m.text ?? '' };
    })
    .filter((m) => m.id && m.text);
}

/** A mention written as `<at>Dana</at>` stands for its user: `@<id>` in the arguments. */
export const MENTION_TOKEN = /^@(\S+)$/;

export function parseCommand(activity: Activity, botId: string): ParsedCommand {
  const all = mentionsOf(activity);
  const others = all.filter((m) => m.id !== botId && m.id !== activity.recipient?.id);
  let text = activity.text ?? '';
  for (const m of all) {
    const other = others.includes(m);
    text = text.split(m.text).join(other ? ` @${m.id} ` : ' ');
  }
  text = decode(text.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
  const [name = 'help', ...args] = text.split(' ').filter(Boolean);
  return { name: name.toLowerCase(), args, rest: text.slice(name.length).trim(), mentions: others };
}
