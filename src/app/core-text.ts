// Some core words are plain strings because they are stored as such (a refusal's reason in the
// timeline, an outcome detail): a person in one is `@{id}`, code is in backticks and emphasis in
// asterisks. This reads them into structured text, so that each surface renders them its own way.
import type { DomainError } from '../core/errors.js';
import type { Part, Rich } from '../core/views/rich-text.js';

const TOKEN = /@\{([^{}\s]+)\}|`([^`]+)`|\*([^*\n]+)\*/g;

export function coreText(text: string): Rich {
  const out: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1]) out.push({ user: m[1] });
    else if (m[2]) out.push({ code: m[2] });
    else out.push({ strong: m[3]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A refusal's words, structured. */
export const refusalText = (e: DomainError): Rich => e.rich ?? coreText(e.message);
