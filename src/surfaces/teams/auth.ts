// How the bot proves who it is and checks who calls it: botbuilder's own JWT validation, pointed at
// the configured endpoints. With TEAMS_LOGIN_URL set, the bot's token comes through an MSAL client
// that knows its authority up front, because botbuilder's own MSAL set-up refuses an http://
// authority and first asks Microsoft's login host for instance discovery.
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { AuthenticationConstants, MsalServiceClientCredentialsFactory, type BotFrameworkAuthentication } from 'botframework-connector';
import type { TeamsConfig } from '../../config.js';

/**
 * An MSAL client for one authority (`<login origin>/<tenant>`). MSAL accepts only an https
 * authority, so the authority is a name that is never contacted; the metadata says where its token
 * endpoint really is (which may be http on this machine, as config.ts allows only for loopback).
 */
export function msalClient(cfg: TeamsConfig, authorityUrl: string): ConfidentialClientApplication {
  const base = authorityUrl.replace(/\/+$/, '');
  const authority = base.replace(/^http:/, 'https:');
  const pinned = cfg.endpoints
    ? {
        knownAuthorities: [new URL(authority).host],
        authorityMetadata: JSON.stringify({
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          issuer: `${base}/v2.0`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
        }),
      }
    : {};
  return new ConfidentialClientApplication({ auth: { clientId: cfg.appId, clientSecret: cfg.appPassword ?? '', authority, ...pinned } });
}

/** The authority of a tenant: the login URL's origin with the tenant as its path. */
export function tenantAuthority(cfg: TeamsConfig, tenantId: string): string {
  const origin = cfg.endpoints ? new URL(cfg.endpoints.loginUrl).origin : 'https://login.microsoftonline.com';
  return `${origin}/${tenantId}`;
}

export function teamsAuthentication(cfg: TeamsConfig): BotFrameworkAuthentication {
  const e = cfg.endpoints;
  const settings = {
    MicrosoftAppId: cfg.appId,
    MicrosoftAppPassword: cfg.appPassword,
    MicrosoftAppTenantId: cfg.tenantId,
    MicrosoftAppType: cfg.appType,
    // Once one override is set botbuilder takes none of its defaults, so every key is given.
    ...(e
      ? {
          ToBotFromChannelOpenIdMetadataUrl: e.openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: e.openIdMetadataUrl,
          ToBotFromChannelTokenIssuer: e.tokenIssuer,
          ToChannelFromBotLoginUrl: e.loginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ValidateAuthority: true,
        }
      : {}),
  };
  // The same @azure/msal-node package; TypeScript sees its ESM and CJS typings as two classes.
  const credentials = e ? new MsalServiceClientCredentialsFactory(cfg.appId, msalClient(cfg, e.loginUrl) as never) : undefined;
  return new ConfigurationBotFrameworkAuthentication(settings, credentials);
}
