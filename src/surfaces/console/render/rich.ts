// Structured text (src/core/views/rich-text.ts) as console HTML. People and rooms show by name; a
// command shows as the text to type in the command box, and a click puts it there.
import type { IconName, Part, Rich } from '../../../core/views/rich-text.js';
import { html, type Html } from './html.js';

/** What the renderer knows of names: a console person's display name, a room's name. */
export type Names = { person(id: string): string; room(id: string): string };

/** Only web links are links; anything else (javascript:, data:) stays visible text. */
const isWebLink = (url: string) => /^https?:\/\//i.test(url);

export const mention = (names: Names, id: string): Html => html`<span class="mention" data-user="${id}">@${names.person(id)}</span>`;
export const roomLink = (names: Names, id: string): Html => html`<a class="room-link" href="?room=${encodeURIComponent(id)}" data-room="${id}">#${names.room(id)}</a>`;

const ICONS: Record<IconName, string> = { succeeded: '✅', failed: '❌', timed_out: '⏱️', refused: '⛔', warning: '⚠️', alarm: '🚨', lock: '🔒' };

export const commandText = (name: string, args?: string) => `/incident ${name}${args ? ` ${args}` : ''}`;

function part(p: Part, names: Names): Html {
  if (typeof p === 'string') return html`${p}`;
  if ('user' in p) return mention(names, p.user);
  if ('room' in p) return roomLink(names, p.room);
  if ('link' in p) return isWebLink(p.link) ? html`<a href="${p.link}" target="_blank" rel="noopener noreferrer">${p.label ?? p.link}</a>` : html`${p.label ? `${p.label} (${p.link})` : p.link}`;
  if ('strong' in p) return html`<strong>${p.strong}</strong>`;
  if ('em' in p) return html`<em>${p.em}</em>`;
  if ('code' in p) return html`<code>${p.code}</code>`;
  if ('icon' in p) return html`<span class="icon" title="${p.icon.replace('_', ' ')}">${ICONS[p.icon]}</span>`;
  const text = commandText(p.command, p.args);
  return html`<code class="command" data-command="${text}" title="Put it in the command box">${text}</code>`;
}

/** Rich text, line breaks kept. A plain string is rendered as text. */
export function rich(text: Rich | string, names: Names): Html {
  const parts = typeof text === 'string' ? [text] : text;
  return html`${parts.map((p) => part(p, names))}`;
}
