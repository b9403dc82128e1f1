// A fake Bot Connector (the Teams service the bot replies to), on 127.0.0.1. It answers the calls the
// bot makes and records each, with the bearer token it came with.
import { JsonServer, type Recorded } from './json-server.js';

export type ConnectorCall = {
  kind: 'send' | 'reply' | 'update' | 'delete' | 'create';
  conversationId: string;
  activityId?: string;
  authorization?: string;
  body: Record<string, unknown>;
  /** The id the connector gave the message it created (what later updates and clicks name). */
  id?: string;
};

const decode = (s: string) => decodeURIComponent(s);

export class FakeConnector {
  readonly server = new JsonServer();
  readonly calls: ConnectorCall[] = [];
  private seq = 0;
  /** People the roster knows, by Entra object id. */
  readonly members = new Map<string, { id: string; name: string }>();

  async start(): Promise<this> {
    const record = (kind: ConnectorCall['kind'], r: Recorded, conversationId: string, activityId?: string, id?: string) => {
      this.calls.push({ kind, conversationId, activityId, authorization: r.headers.authorization, body: (r.body ?? {}) as Record<string, unknown>, id });
      return id;
    };
    this.server
      .on('POST', /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/, (r, m) => {
        return { body: { id: record('reply', r, decode(m[1]!), decode(m[2]!), this.nextId()) } };
      })
      .on('POST', /^\/v3\/conversations\/([^/]+)\/activities$/, (r, m) => {
        return { body: { id: record('send', r, decode(m[1]!), undefined, this.nextId()) } };
      })
      .on('PUT', /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/, (r, m) => {
        record('update', r, decode(m[1]!), decode(m[2]!));
        return { body: { id: decode(m[2]!) } };
      })
      .on('DELETE', /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/, (r, m) => {
        record('delete', r, decode(m[1]!), decode(m[2]!));
        return { status: 200 };
      })
      // The roster: a person picked by their Entra object id, as Teams resolves them.
      .on('GET', /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/, (_r, m) => {
        const aad = decode(m[2]!);
        const member = this.members.get(aad);
        return member ? { body: { ...member, aadObjectId: aad } } : { status: 404, body: { error: { code: 'MemberNotFound' } } };
      })
      .on('POST', /^\/v3\/conversations$/, (r) => {
        const body = (r.body ?? {}) as { channelData?: { channel?: { id?: string } }; members?: { id: string }[] };
        const activityId = this.nextId();
        // A new thread in a channel is `<channel>;messageid=<first message>`; a 1:1 chat is its own id.
        const id = body.channelData?.channel?.id ? `${body.channelData.channel.id};messageid=${activityId}` : `a:personal-${body.members?.[0]?.id ?? 'x'}`;
        record('create', r, id, activityId);
        return { body: { id, activityId } };
      });
    await this.server.start();
    return this;
  }

  stop() {
    return this.server.stop();
  }

  /** The serviceUrl activities name, so that replies come here. */
  get serviceUrl() {
    return `${this.server.url}/`;
  }

  of(kind: ConnectorCall['kind']) {
    return this.calls.filter((c) => c.kind === kind);
  }

  private nextId() {
    return `1700000000${String(++this.seq).padStart(3, '0')}`;
  }
}
