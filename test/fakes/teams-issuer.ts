// The Bot Framework's token service, on 127.0.0.1: an OpenID configuration and a JWKS whose keys are
// endorsed for msteams (what the bot checks inbound tokens against), a token endpoint (where the bot
// gets its own token), and a signer that issues tokens as the Teams channel does.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { JsonServer } from './json-server.js';

export const ISSUER = 'https://api.botframework.com';

type Key = { kid: string; privateKey: CryptoKey; jwk: JWK };

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, kty: 'RSA', use: 'sig' } };
}

export type TokenOptions = {
  aud?: string;
  iss?: string;
  serviceUrl?: string;
  /** Seconds from now; negative is in the past. */
  exp?: number;
  nbf?: number;
  /** Sign with this key instead of the published one. */
  key?: Key;
  extra?: Record<string, unknown>;
};

export class FakeTeamsIssuer {
  readonly server = new JsonServer();
  private published!: Key;
  /** Access tokens the token endpoint handed out, newest last. */
  readonly issued: string[] = [];

  async start(): Promise<this> {
    this.published = await newKey('published-key');
    this.server
      .on('GET', /^\/v1\/\.well-known\/openidconfiguration$/, () => ({
        body: { issuer: ISSUER, jwks_uri: `${this.server.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] },
      }))
      .on('GET', /^\/v1\/\.well-known\/keys$/, () => ({ body: { keys: [{ ...this.published.jwk, endorsements: ['msteams'] }] } }))
      .on('POST', /^\/([^/]+)\/oauth2\/v2\.0\/token$/, () => {
        const token = `bot-token-${this.issued.length + 1}`;
        this.issued.push(token);
        return { body: { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: token } };
      });
    await this.server.start();
    return this;
  }

  stop() {
    return this.server.stop();
  }

  get metadataUrl() {
    return `${this.server.url}/v1/.well-known/openidconfiguration`;
  }

  get loginUrl() {
    return `${this.server.url}/botframework.com`;
  }

  /** Requests to the token endpoint (the bot asking for its own token). */
  tokenRequests() {
    return this.server.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
  }

  /** A key that is not published; `kid` lets it pose as the published one. */
  otherKey(kid = 'unknown-key'): Promise<Key> {
    return newKey(kid);
  }

  get publishedKid() {
    return this.published.kid;
  }

  /** A channel token as Teams sends it: RS256, issuer api.botframework.com, audience the bot's app id. */
  async token(appId: string, serviceUrl: string, o: TokenOptions = {}): Promise<string> {
    const key = o.key ?? this.published;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ serviceurl: o.serviceUrl ?? serviceUrl, ...o.extra })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(o.iss ?? ISSUER)
      .setAudience(o.aud ?? appId)
      .setIssuedAt(now - 5)
      .setNotBefore(now + (o.nbf ?? -5))
      .setExpirationTime(now + (o.exp ?? 3600))
      .sign(key.privateKey);
  }

  /** The same claims under `alg: none`, with no signature. */
  unsigned(appId: string, serviceUrl: string): string {
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: 'none', kid: this.published.kid, typ: 'JWT' });
    return `${header}.${b64({ iss: ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 5, exp: now + 3600 })}.`;
  }
}
