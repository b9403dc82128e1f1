// In front of Bolt's HTTPReceiver: verifies the request and checks the body's shape before Bolt
// parses it. Bolt reads `body.ssl_check` on whatever JSON it is given, so a signed `payload=null`
// would throw outside any handler and end the process; here it is a 400 and nothing is written.
import { HTTPModuleFunctions, verifySlackRequest } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import type { Logger } from '../../../log.js';
import { bodyProblem } from './schema.js';

/** Bolt refuses requests older than 5 minutes; one dated as far ahead is refused too (a replay window). */
export const FUTURE_SKEW_SECONDS = 5 * 60;
const BODY_LIMIT = 1024 * 1024;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

function answer(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

/** The body as Bolt will read it: a slash command's fields, or the interaction's `payload` JSON. */
function parsed(raw: string, contentType: string | undefined): unknown {
  if (contentType !== 'application/x-www-form-urlencoded') return JSON.parse(raw);
  const form = parse(raw);
  if ('payload' in form) {
    if (typeof form.payload !== 'string') throw new Error('payload is given more than once');
    return JSON.parse(form.payload);
  }
  return form;
}

export function guardRequests(bolt: Listener, signingSecret: string, log: Logger, now = () => Date.now()): Listener {
  return (req, res) => {
    void (async () => {
      let raw: string;
      try {
        raw = (await HTTPModuleFunctions.bufferIncomingMessage(req, BODY_LIMIT)).rawBody.toString();
      } catch {
        return answer(res, 413, 'The request body is too large.');
      }
      const contentType = req.headers['content-type'];
      // Slack's certificate check carries no signature; Bolt answers it and reads nothing else.
      if (contentType === 'application/x-www-form-urlencoded' && parse(raw).ssl_check === '1') return bolt(req, res);
      const timestamp = Number(req.headers['x-slack-request-timestamp']);
      const signature = req.headers['x-slack-signature'];
      try {
        if (typeof signature !== 'string') throw new Error('no signature');
        if (timestamp > now() / 1000 + FUTURE_SKEW_SECONDS) throw new Error('timestamp in the future');
        verifySlackRequest({ signingSecret, body: raw, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: now() });
      } catch (e) {
        log.warn({ reason: e instanceof Error ? e.message : String(e) }, 'Slack request refused: not verified');
        return answer(res, 401, 'The request is not signed by Slack, or its timestamp is too far from now.');
      }
      let problem: string | undefined;
      try {
        problem = bodyProblem(parsed(raw, contentType));
      } catch {
        problem = 'the body is not valid JSON';
      }
      if (problem) {
        log.warn({ problem }, 'Slack request refused: malformed body');
        return answer(res, 400, `Refused: ${problem}.`);
      }
      bolt(req, res);
    })().catch((err) => {
      log.error({ err }, 'Slack request failed before its handler');
      if (!res.headersSent) answer(res, 500, 'The request could not be read.');
    });
  };
}
