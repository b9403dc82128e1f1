// Structured text as Slack mrkdwn: people and channels as Slack mentions, commands as the slash
// command that runs them, and every plain string escaped (user-written text holds no markup).
// Code spans are left as written, as Slack shows them.
import type { IconName, Rich } from '../../../core/views/rich-text.js';
import { escape } from './text.js';

export const SLASH = '/incident';

const EMOJI: Record<IconName, string> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  timed_out: ':hourglass:',
  refused: ':no_entry:',
  warning: ':warning:',
  alarm: ':rotating_light:',
  lock: ':lock:',
};

export function mrkdwn(text: Rich): string {
  return text
    .map((p) => {
      if (typeof p === 'string') return escape(p);
      if ('user' in p) return `<@${p.user}>`;
      if ('room' in p) return `<#${p.room}>`;
      if ('link' in p) return p.label ? `<${p.link}|${escape(p.label)}>` : `<${p.link}>`;
      if ('strong' in p) return `*${escape(p.strong)}*`;
      if ('em' in p) return `_${escape(p.em)}_`;
      // Inside code Slack shows text as written: placeholders like `<link>` stay readable.
      if ('code' in p) return p.code.includes('\n') ? `\`\`\`${p.code}\`\`\`` : `\`${p.code}\``;
      if ('icon' in p) return EMOJI[p.icon];
      return `\`${SLASH} ${p.command}${p.args ? ` ${p.args}` : ''}\``;
    })
    .join('');
}
