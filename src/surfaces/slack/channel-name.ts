// Slack channel names: lowercase letters, digits, hyphens and underscores, at most 80 characters.

const MAX = 80;

export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `inc-<number>-<slug>`; attempt 2 onwards adds `-<attempt>` for a name already taken. */
export function incidentChannelName(number: number, title: string, attempt = 1): string {
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const base = `inc-${number}`;
  const room = MAX - base.length - suffix.length - 1;
  const s = slug(title).slice(0, room).replace(/-+$/, '');
  return `${base}${s ? `-${s}` : ''}${suffix}`;
}
