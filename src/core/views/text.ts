// Neutral message markup. A user mention is written `<@USERID>`; Slack reads it natively and other
// surfaces translate it. Bold is *text*, as in Slack mrkdwn and close enough to Markdown.

export const mention = (userId: string): string => `<@${userId}>`;

export const utc = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
