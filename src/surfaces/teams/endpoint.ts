// POST /api/messages. The request is authenticated here, before botbuilder runs any logic, so that
// every token that fails validation is answered 401: CloudAdapter.process answers 500 to the
// jsonwebtoken errors it lets through (a signature by another key under a published kid, a future
// nbf, alg none). Only a request that passed is handed to the adapter.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import type { Logger } from '../../log.js';

/** Larger than any activity Teams sends (a message is capped near 28 KB, a card submit is smaller). */
const BODY_LIMIT = 512 * 1024;

type Answer = { status: number; body?: unknown };

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) {
        reject(new BodyTooLarge());
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseActivity(raw: string): Activity | null {
  try {
    const a = JSON.parse(raw) as unknown;
    return typeof a === 'object' && a !== null && typeof (a as Activity).type === 'string' ? (a as Activity) : null;
  } catch {
    return null;
  }
}

/** The signing keys could not be fetched: no token can be judged now; the channel retries a 503. */
const keysUnavailable = (e: unknown) =>
  (e instanceof AuthenticationError && e.statusCode >= 500) || (e instanceof Error && e.name === 'FetchError');

export async function authenticate(auth: BotFrameworkAuthentication, activity: Activity, header: string): Promise<AuthenticateRequestResult | Answer> {
  try {
    return await auth.authenticateRequest(activity, header);
  } catch (e) {
    if (keysUnavailable(e)) return { status: 503, body: { error: 'signing keys unavailable' } };
    return { status: 401, body: { error: 'unauthorized' } };
  }
}

/** CloudAdapter with its turn entry opened to an already authenticated request. */
export class TeamsAdapter extends CloudAdapter {
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

export function messagesEndpoint(opts: {
  adapter: TeamsAdapter;
  auth: BotFrameworkAuthentication;
  /** A reason to refuse an authenticated activity (its tenant, its channel), before anything runs. */
  refuse: (activity: Activity, identity: AuthenticateRequestResult['claimsIdentity']) => string | null;
  logic: (context: TurnContext) => Promise<void>;
  log: Logger;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = (res: ServerResponse, { status, body }: Answer) => {
    if (body === undefined) return void res.writeHead(status).end();
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const run = async (req: IncomingMessage): Promise<Answer> => {
    if (req.method !== 'POST') return { status: 405 };
    let raw;
    try {
      raw = await readBody(req);
    } catch (e) {
      return { status: e instanceof BodyTooLarge ? 413 : 400 };
    }
    const activity = parseActivity(raw);
    if (!activity) return { status: 400, body: { error: 'expected an Activity' } };
    const authenticated = await authenticate(opts.auth, activity, req.headers.authorization ?? '');
    if ('status' in authenticated) {
      opts.log.warn({ status: authenticated.status, type: activity.type, serviceUrl: activity.serviceUrl }, 'Teams request refused');
      return authenticated;
    }
    const refused = opts.refuse(activity, authenticated.claimsIdentity);
    if (refused) {
      opts.log.warn({ reason: refused, type: activity.type }, 'Teams activity refused');
      return { status: 403, body: { error: refused } };
    }
    const invoke = await opts.adapter.runAuthenticated(authenticated, activity, opts.logic);
    return { status: invoke?.status ?? 200, body: invoke?.body };
  };
  return (req, res) => {
    run(req).then(
      (a) => answer(res, a),
      (err) => {
        opts.log.error({ err }, 'Teams activity failed');
        answer(res, { status: 500 });
      },
    );
  };
}
