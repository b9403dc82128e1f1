// The core's refusals and details are plain strings that may name a person (`<@U1>`), a command
// (`` `/incident case <link>` ``), code or emphasis. This reads them into structured text, so that no
// surface ever sees one surface's markup.
import type { DomainError } from '../core/errors.js';
import { COMMANDS, type CommandName, type Part, type Rich } from '../core/views/rich-text.js';

const TOKEN = /<@([A-Za-z0-9_.-]+)(?:\|[^>]*)?>|<#([A-Za-z0-9_.-]+)(?:\|[^>]*)?>|`([^`]+)`|\*([^*\n]+)\*/g;
const COMMAND = new RegExp(`^/incident (${COMMANDS.join('|')})(?: (.+))?$`);

function codePart(text: string): Part {
  const m = text.match(COMMAND);
  if (!m) return { code: text };
  return m[2] ? { command: m[1] as CommandName, args: m[2] } : { command: m[1] as CommandName };
}

export function coreText(text: string): Rich {
  const out: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1]) out.push({ user: m[1] });
    else if (m[2]) out.push({ room: m[2] });
    else if (m[3]) out.push(codePart(m[3]));
    else out.push({ strong: m[4]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A refusal's words, structured. */
export const refusalText = (e: DomainError): Rich => e.rich ?? coreText(e.message);
