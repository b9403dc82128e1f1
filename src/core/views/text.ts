// Words the core keeps in plain strings because they are stored as such (a refusal's reason in the
// timeline, an action's outcome detail). A person inside one is a neutral reference, `@{USERID}`,
// that the application layer turns into a structured mention; no surface's markup is ever stored.

export const mention = (userId: string): string => `@{${userId}}`;

export const utc = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
