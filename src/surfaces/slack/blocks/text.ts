// Slack text helpers: limits and escaping that every block builder needs.

/** Cuts text to Slack's limit for a field, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never end on the first half of a surrogate pair (an emoji cut in two is not valid UTF-8).
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, cut)}…`;
}

/** Escapes the three characters Slack treats as markup in user-written text. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const plain = (text: string, max = 3000) => ({ type: 'plain_text' as const, text: clip(text, max), emoji: true });
export const md = (text: string, max = 3000) => ({ type: 'mrkdwn' as const, text: clip(text, max) });

export const list = (items: readonly string[]): string => (items.length ? items.map(escape).join(', ') : '_none given_');
