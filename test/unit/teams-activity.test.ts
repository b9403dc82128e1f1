// Reading a Teams activity: the command words after the bot's mention (other mentions become user
// ids), and where it came from (the tenant, checked against the token's own tid).
import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { originOf } from '../../src/surfaces/teams/activity.js';
import { parseCommand } from '../../src/surfaces/teams/commands.js';

const BOT = { id: '28:bot-app', name: 'Incident' };
const TENANT = 'a0c1e2f3-1111-4222-8333-944455566677';

const message = (text: string, mentions: { id: string; name: string }[] = [], over: Partial<Activity> = {}): Activity =>
  ({
    type: 'message',
    id: 'm1',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/',
    from: { id: '29:dana', name: 'Dana' },
    recipient: BOT,
    conversation: { id: '19:ops@thread.tacv2;messageid=17', conversationType: 'channel', tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: '19:ops@thread.tacv2' } },
    text,
    entities: [BOT, ...mentions].map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: m })),
    ...over,
  }) as unknown as Activity;

describe('parseCommand', () => {
  it('drops the bot mention and reads the words as Slack’s /incident would', () => {
    expect(parseCommand(message('<at>Incident</at> severity SEV1 spreading&nbsp;to beta'), BOT.id)).toEqual({
      name: 'severity',
      args: ['SEV1', 'spreading', 'to', 'beta'],
      rest: 'SEV1 spreading to beta',
      mentions: [],
    });
  });

  it('turns a mentioned person into their id, whatever their display name holds', () => {
    const sam = { id: '29:sam', name: 'Sam de la Vimes' };
    const cmd = parseCommand(message('<at>Incident</at> assign ops <at>Sam de la Vimes</at>', [sam]), BOT.id);
    expect(cmd.name).toBe('assign');
    expect(cmd.args).toEqual(['ops', '@29:sam']);
    expect(cmd.mentions).toEqual([{ ...sam, text: '<at>Sam de la Vimes</at>' }]);
  });

  it('reads a personal chat message without a mention, strips markup, and defaults to help', () => {
    expect(parseCommand(message('<p>Declare   <b>Mirror</b> stale</p>', [], { entities: [] }), BOT.id)).toMatchObject({ name: 'declare', rest: 'Mirror stale' });
    expect(parseCommand(message('<at>Incident</at>'), BOT.id).name).toBe('help');
  });
});

describe('originOf', () => {
  it('reads the tenant, the channel, the team and the sender of a channel post', () => {
    expect(originOf(message('x'), undefined)).toEqual({
      tenantId: TENANT,
      conversationId: '19:ops@thread.tacv2;messageid=17',
      channelId: '19:ops@thread.tacv2',
      teamId: '19:team@thread.tacv2',
      kind: 'channel',
      user: { id: '29:dana', name: 'Dana' },
    });
  });

  it('refuses what cannot be trusted: another channel, no tenant, two tenants, a tenant the token does not carry', () => {
    expect(originOf(message('x', [], { channelId: 'webchat' }), undefined)).toEqual({ refused: 'channel webchat is not Teams' });
    expect(originOf(message('x', [], { channelData: {}, conversation: { id: 'c', conversationType: 'channel' } as never }), undefined)).toEqual({ refused: 'no tenant' });
    expect(originOf(message('x', [], { conversation: { id: 'c', conversationType: 'channel', tenantId: 'other' } as never }), undefined)).toEqual({ refused: 'two tenants in one activity' });
    expect(originOf(message('x'), 'b0000000-0000-4000-8000-000000000000')).toEqual({ refused: 'tenant differs from the token' });
    expect(originOf(message('x'), TENANT)).toMatchObject({ tenantId: TENANT });
  });
});
