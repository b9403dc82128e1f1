// Start-up configuration: a missing or malformed variable stops start-up with a message naming it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadDatabaseConfig } from '../../src/config.js';

const HTTP = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'shh' };
const SOCKET = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A1-xyz' };

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('refuses an empty environment, naming the bot token and both ways to connect', () => {
    const e = configError({});
    expect(e.message).toContain('SLACK_BOT_TOKEN');
    expect(e.message).toContain('SLACK_SIGNING_SECRET');
    expect(e.message).toContain('SLACK_APP_TOKEN');
  });

  it('refuses a bot token alone, asking only for the signing secret or the app token', () => {
    const e = configError({ SLACK_BOT_TOKEN: HTTP.SLACK_BOT_TOKEN });
    expect(e.message).toContain('SLACK_SIGNING_SECRET');
    expect(e.message).toContain('SLACK_APP_TOKEN');
    expect(e.message).not.toContain('SLACK_BOT_TOKEN');
  });

  it('refuses a signing secret without a bot token, naming SLACK_BOT_TOKEN only', () => {
    const e = configError({ SLACK_SIGNING_SECRET: 'shh' });
    expect(e.message).toContain('SLACK_BOT_TOKEN');
    expect(e.message).not.toContain('SLACK_SIGNING_SECRET');
  });

  it('treats blank values as unset', () => {
    const e = configError({ SLACK_BOT_TOKEN: '  ', SLACK_SIGNING_SECRET: '' });
    expect(e.message).toContain('SLACK_BOT_TOKEN');
    expect(e.message).toContain('SLACK_SIGNING_SECRET');
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '30.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/incidents' }],
    ['DATABASE_URL', { DATABASE_URL: 'localhost:5432' }],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: 'xoxp-user-token' }],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }],
    ['SLACK_API_URL', { SLACK_API_URL: 'not a url' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['INCIDENT_CHANNEL_PRIVATE', { INCIDENT_CHANNEL_PRIVATE: 'maybe' }],
  ])('refuses a malformed %s, naming it', (name, bad) => {
    const e = configError({ ...HTTP, ...bad });
    expect(e.message).toContain(name);
    // The other, valid variables are not blamed.
    for (const other of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'INCIDENT_CHANNEL_PRIVATE'].filter((v) => v !== name)) {
      expect(e.message).not.toContain(`${other}:`);
    }
  });

  it('uses the documented defaults (HTTP mode)', () => {
    const c = loadConfig(HTTP);
    expect(c.port).toBe(3000);
    expect(c.incidentChannelPrivate).toBe(false);
    expect(c.dataDir).toBe(path.resolve('.data'));
    expect(path.isAbsolute(c.dataDir)).toBe(true);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.logLevel).toBe('info');
    expect(c.slack).toEqual({ botToken: HTTP.SLACK_BOT_TOKEN, signingSecret: 'shh', appToken: undefined, apiUrl: undefined });
  });

  it('treats an empty PORT as unset, like every other variable, rather than as port 0', () => {
    expect(loadConfig({ ...HTTP, PORT: '' }).port).toBe(3000);
  });

  it('accepts the app token alone with a bot token (Socket Mode)', () => {
    const c = loadConfig(SOCKET);
    expect(c.slack.appToken).toBe(SOCKET.SLACK_APP_TOKEN);
    expect(c.slack.signingSecret).toBeUndefined();
  });

  it('reads every variable it documents', () => {
    const c = loadConfig({
      ...HTTP,
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      DATABASE_URL: 'postgresql://bot@127.0.0.1:5432/incidents',
      DATA_DIR: 'var/bot-data',
      DATABASE_POOL_SIZE: '4',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      INCIDENT_CHANNEL_PRIVATE: 'true',
      INCIDENT_ESCALATION_CHANNEL: 'CCOMMANDERS',
      SCHEDULER_TICK_SECONDS: '15',
    });
    expect(c).toEqual({
      slack: { botToken: HTTP.SLACK_BOT_TOKEN, signingSecret: 'shh', appToken: undefined, apiUrl: 'http://127.0.0.1:9999/api/' },
      databaseUrl: 'postgresql://bot@127.0.0.1:5432/incidents',
      databasePoolSize: 4,
      dataDir: path.resolve('var/bot-data'),
      port: 8080,
      logLevel: 'debug',
      incidentChannelPrivate: true,
      escalationChannel: 'CCOMMANDERS',
      schedulerTickSeconds: 15,
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads INCIDENT_CHANNEL_PRIVATE=%s as %s', (v, expected) => {
    expect(loadConfig({ ...HTTP, INCIDENT_CHANNEL_PRIVATE: v }).incidentChannelPrivate).toBe(expected);
  });
});

describe('loadDatabaseConfig', () => {
  it('needs no Slack variables', () => {
    expect(loadDatabaseConfig({})).toEqual({ databaseUrl: undefined, dataDir: path.resolve('.data') });
  });

  it('still refuses a malformed DATABASE_URL, naming it', () => {
    expect(() => loadDatabaseConfig({ DATABASE_URL: 'sqlite:./x.db' })).toThrow(/DATABASE_URL/);
  });
});

describe('the action webhook', () => {
  it('sends every action to the webhook when no list is given, or only the listed ones', () => {
    const base = { ...HTTP, ACTION_WEBHOOK_URL: 'https://ops.example.com/hook', ACTION_WEBHOOK_SECRET: 'sixteen-chars-ok!' };
    expect(loadConfig(base).actionWebhook).toEqual({ url: 'https://ops.example.com/hook', secret: 'sixteen-chars-ok!', actions: 'all' });
    expect(loadConfig({ ...base, ACTION_WEBHOOK_ACTIONS: 'rollback-to-lkg, halt-dispatch' }).actionWebhook?.actions).toEqual(['rollback-to-lkg', 'halt-dispatch']);
    expect(loadConfig(HTTP).actionWebhook).toBeUndefined();
  });

  it.each([
    ['ftp://ops.example.com/hook'],
    ['http://ops.example.com/hook'],
    ['http://127.0.0.1.example.com/hook'],
    ['file:///etc/passwd'],
    ['not a url'],
  ])('refuses ACTION_WEBHOOK_URL=%s with a configuration error that says https', (url) => {
    const e = configError({ ...HTTP, ACTION_WEBHOOK_URL: url, ACTION_WEBHOOK_SECRET: 'sixteen-chars-ok!' });
    expect(e.message).toContain('ACTION_WEBHOOK_URL: expected');
    expect(e.message).toMatch(/https:\/\/|URL such as/);
  });

  it('accepts http only to loopback, and a whsec_ secret', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123').toString('base64')}`;
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]:9/x']) {
      expect(loadConfig({ ...HTTP, ACTION_WEBHOOK_URL: url, ACTION_WEBHOOK_SECRET: secret }).actionWebhook?.url).toBe(url);
    }
    expect(configError({ ...HTTP, ACTION_WEBHOOK_URL: 'https://ops.example.com/hook', ACTION_WEBHOOK_SECRET: 'whsec_not-base64!!!!!!!!!!' }).message).toContain('ACTION_WEBHOOK_SECRET: expected whsec_');
  });

  it('refuses a webhook URL without its signing secret, or a short secret, naming the variable', () => {
    expect(() => loadConfig({ ...HTTP, ACTION_WEBHOOK_URL: 'https://ops.example.com/hook' })).toThrow(/ACTION_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ...HTTP, ACTION_WEBHOOK_URL: 'https://ops.example.com/hook', ACTION_WEBHOOK_SECRET: 'short' })).toThrow(/ACTION_WEBHOOK_SECRET: expected at least 16 characters/);
  });
});

describe('Microsoft Teams', () => {
  const APP = { MICROSOFT_APP_ID: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f', MICROSOFT_APP_PASSWORD: 'client-secret' };
  const TENANT = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
  const LOCAL = {
    TEAMS_OPENID_METADATA_URL: 'http://127.0.0.1:4000/v1/.well-known/openidconfiguration',
    TEAMS_TOKEN_ISSUER: 'https://api.botframework.com',
    TEAMS_LOGIN_URL: 'http://127.0.0.1:4000/botframework.com',
  };

  it('stays off without an app id, and runs beside Slack with one', () => {
    expect(loadConfig(HTTP).teams).toBeUndefined();
    const c = loadConfig({ ...HTTP, ...APP });
    expect(c.slack.botToken).toBe(HTTP.SLACK_BOT_TOKEN);
    expect(c.teams).toEqual({ appId: APP.MICROSOFT_APP_ID, appType: 'MultiTenant', appPassword: 'client-secret' });
  });

  it('refuses an app id without a credential, rather than running without authentication', () => {
    expect(() => loadConfig({ ...HTTP, MICROSOFT_APP_ID: APP.MICROSOFT_APP_ID })).toThrow(/MICROSOFT_APP_PASSWORD/);
  });

  it('refuses Teams settings without the app id they belong to, naming what was set', () => {
    const e = configError({ ...HTTP, MICROSOFT_APP_PASSWORD: 'client-secret', MICROSOFT_GRAPH_URL: 'https://graph.microsoft.com/v1.0' });
    expect(e.message).toContain('MICROSOFT_APP_ID');
    expect(e.message).toContain('MICROSOFT_APP_PASSWORD, MICROSOFT_GRAPH_URL are set without it');
  });

  it('asks for the tenant of a single-tenant app or a managed identity', () => {
    expect(() => loadConfig({ ...HTTP, ...APP, MICROSOFT_APP_TYPE: 'SingleTenant' })).toThrow(/MICROSOFT_APP_TENANT_ID \(required for SingleTenant\)/);
    const msi = loadConfig({ ...HTTP, MICROSOFT_APP_ID: APP.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: TENANT });
    expect(msi.teams).toEqual({ appId: APP.MICROSOFT_APP_ID, appType: 'UserAssignedMSI', tenantId: TENANT });
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['MICROSOFT_APP_ID', { MICROSOFT_APP_ID: 'bot-1' }],
    ['MICROSOFT_APP_TYPE', { MICROSOFT_APP_TYPE: 'Anonymous' }],
    ['MICROSOFT_GRAPH_URL', { MICROSOFT_GRAPH_URL: 'graph' }],
    ['TEAMS_LINK_SECRET', { TEAMS_LINK_SECRET: 'short' }],
  ])('refuses a malformed %s, naming it', (name, bad) => {
    expect(configError({ ...HTTP, ...APP, ...bad }).message).toContain(`${name}:`);
  });

  it('takes the endpoint overrides only all together', () => {
    expect(loadConfig({ ...HTTP, ...APP, ...LOCAL }).teams?.endpoints).toEqual({
      openIdMetadataUrl: LOCAL.TEAMS_OPENID_METADATA_URL,
      tokenIssuer: LOCAL.TEAMS_TOKEN_ISSUER,
      loginUrl: LOCAL.TEAMS_LOGIN_URL,
    });
    const e = configError({ ...HTTP, ...APP, TEAMS_LOGIN_URL: LOCAL.TEAMS_LOGIN_URL });
    expect(e.message).toContain('TEAMS_OPENID_METADATA_URL and TEAMS_TOKEN_ISSUER (set all three endpoint overrides together, or none)');
  });

  it('sends the client secret over plain http only to this machine', () => {
    expect(() => loadConfig({ ...HTTP, ...APP, ...LOCAL, TEAMS_LOGIN_URL: 'http://login.example.com/tenant' })).toThrow(/TEAMS_LOGIN_URL as an https:\/\/ URL/);
  });

  it('reads Graph and the signed file links, which need their secret', () => {
    const c = loadConfig({ ...HTTP, ...APP, MICROSOFT_GRAPH_URL: 'http://127.0.0.1:5000/v1.0/', TEAMS_PUBLIC_URL: 'https://bot.example.com/', TEAMS_LINK_SECRET: 'x'.repeat(32) });
    expect(c.teams?.graphUrl).toBe('http://127.0.0.1:5000/v1.0');
    expect(c.teams?.files).toEqual({ publicUrl: 'https://bot.example.com', secret: 'x'.repeat(32) });
    expect(() => loadConfig({ ...HTTP, ...APP, TEAMS_PUBLIC_URL: 'https://bot.example.com' })).toThrow(/TEAMS_PUBLIC_URL and TEAMS_LINK_SECRET together/);
  });
});
