// What a verified Teams activity says about where it came from. The token covers only the bot's
// app id and the serviceUrl, so everything read here is a claim: the tenant is checked against the
// token's own tid when the token has one, and rooms and ids are checked by src/app against the
// stored incident.
import type { Activity } from 'botbuilder';

export type Origin = {
  tenantId: string;
  /** The conversation the activity was posted in (a thread of a channel is `<channel>;messageid=<root>`). */
  conversationId: string;
  /** The channel, for activities in a team's channel. */
  channelId: string | null;
  teamId: string | null;
  kind: 'channel' | 'groupChat' | 'personal';
  user: { id: string; name: string };
};

type ChannelData = { tenant?: { id?: string }; team?: { id?: string }; channel?: { id?: string } };

/** The conversation of a channel post without its thread part. */
export const channelOf = (conversationId: string) => conversationId.split(';messageid=')[0]!;

/** Reads the origin, or says why the activity is refused (nothing is written for a refused one). */
export function originOf(activity: Activity, tokenTenant: string | null | undefined): Origin | { refused: string } {
  if (activity.channelId !== 'msteams') return { refused: `channel ${activity.channelId} is not Teams` };
  const data = (activity.channelData ?? {}) as ChannelData;
  const tenantId = data.tenant?.id ?? activity.conversation?.tenantId;
  if (!tenantId) return { refused: 'no tenant' };
  if (activity.conversation?.tenantId && activity.conversation.tenantId !== tenantId) return { refused: 'two tenants in one activity' };
  if (tokenTenant && tokenTenant !== tenantId) return { refused: 'tenant differs from the token' };
  const conversationId = activity.conversation?.id;
  const user = activity.from;
  if (!conversationId || !user?.id) return { refused: 'no conversation or sender' };
  const type = activity.conversation.conversationType;
  const kind = type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal';
  return {
    tenantId,
    conversationId,
    channelId: kind === 'channel' ? (data.channel?.id ?? channelOf(conversationId)) : null,
    teamId: data.team?.id ?? null,
    kind,
    user: { id: user.id, name: user.name ?? 'someone' },
  };
}
