// The few Microsoft Graph calls the bot makes: create an incident channel, describe it, and put a
// file in its files folder. The token is the app's own, for the team's tenant (resource-specific
// consent grants it Channel.Create.Group on the teams that installed the app).
import type { ConfidentialClientApplication } from '@azure/msal-node';
import { ChatError } from '../../app/chat-port.js';
import type { TeamsConfig } from '../../config.js';
import { msalClient, tenantAuthority } from './auth.js';

export type Graph = {
  createChannel(tenantId: string, teamId: string, channel: { displayName: string; description: string }): Promise<{ id: string }>;
  describeChannel(tenantId: string, teamId: string, channelId: string, description: string): Promise<void>;
  upload(tenantId: string, teamId: string, channelId: string, file: { name: string; content: string }): Promise<{ webUrl: string }>;
};

export function graphClient(cfg: TeamsConfig, graphUrl: string): Graph {
  const clients = new Map<string, ConfidentialClientApplication>();
  const scope = `${new URL(graphUrl).origin}/.default`;
  const token = async (tenantId: string) => {
    let client = clients.get(tenantId);
    if (!client) clients.set(tenantId, (client = msalClient(cfg, tenantAuthority(cfg, tenantId))));
    const result = await client.acquireTokenByClientCredential({ scopes: [scope] });
    if (!result?.accessToken) throw new ChatError('graph_token', 'Microsoft Graph gave no token.');
    return result.accessToken;
  };
  const call = async <T>(tenantId: string, method: string, path: string, body?: { json?: unknown; raw?: string }): Promise<T> => {
    const res = await fetch(`${graphUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(tenantId)}`,
        'content-type': body?.raw !== undefined ? 'text/markdown' : 'application/json',
      },
      body: body?.raw ?? (body?.json === undefined ? undefined : JSON.stringify(body.json)),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) {
      const code = (JSON.parse(text || '{}') as { error?: { code?: string } }).error?.code ?? `http_${res.status}`;
      throw new ChatError(code, `Microsoft Graph refused ${method} ${path.split('/').slice(0, 3).join('/')}: ${code}`);
    }
    return (text ? JSON.parse(text) : {}) as T;
  };
  const enc = encodeURIComponent;
  return {
    createChannel: (tenantId, teamId, c) => call(tenantId, 'POST', `/teams/${enc(teamId)}/channels`, { json: { ...c, membershipType: 'standard' } }),
    describeChannel: async (tenantId, teamId, channelId, description) =>
      void (await call(tenantId, 'PATCH', `/teams/${enc(teamId)}/channels/${enc(channelId)}`, { json: { description } })),
    upload: async (tenantId, teamId, channelId, file) => {
      const folder = await call<{ id: string; parentReference: { driveId: string } }>(tenantId, 'GET', `/teams/${enc(teamId)}/channels/${enc(channelId)}/filesFolder`);
      return call(tenantId, 'PUT', `/drives/${enc(folder.parentReference.driveId)}/items/${enc(folder.id)}:/${enc(file.name)}:/content`, { raw: file.content });
    },
  };
}
