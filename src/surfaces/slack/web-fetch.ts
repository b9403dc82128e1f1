// The transport under the Slack Web API client. @slack/web-api sends every call through `fetch`;
// Node 20's fetch (web streams, plus the cloned body that counting failures needed) cost about
// 0.9 ms of CPU a call here, a fifth of a click's CPU. This sends the same request over node:http(s)
// with kept-alive sockets and counts failed calls from the body it already holds.
import http from 'node:http';
import https from 'node:https';
import { countChatApiError } from '../../metrics.js';

const AGENTS: Record<string, http.Agent> = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** Slack answers most failures with HTTP 200 and `{"ok":false,"error":…}`; only those bodies are parsed here. */
function countFailure(method: string, status: number, body: string): void {
  if (status >= 400) return countChatApiError('slack', method, `http_${status}`);
  if (!/"ok"\s*:\s*false/.test(body)) return;
  let error: unknown;
  try {
    error = (JSON.parse(body) as { error?: unknown }).error;
  } catch {
    return;
  }
  countChatApiError('slack', method, typeof error === 'string' ? error : 'unknown');
}

/**
 * The part of a fetch Response that WebClient reads (status, statusText, headers, text, arrayBuffer,
 * url), built from a body that is already whole.
 */
function answer(status: number, statusText: string, headers: http.IncomingHttpHeaders, body: Buffer, text: string): Response {
  const h = new Headers();
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) h.set(name, Array.isArray(value) ? value.join(', ') : value);
  const res = { ok: status >= 200 && status < 300, status, statusText, headers: h, url: '', text: async () => text, json: async () => JSON.parse(text) as unknown, arrayBuffer: async () => body };
  return res as unknown as Response;
}

const errorCode = (err: Error) => (err.name === 'TimeoutError' || err.name === 'AbortError' ? 'timeout' : 'network');

function viaNodeFetch(method: string, input: string | URL | Request, init: RequestInit): Promise<Response> {
  return fetch(input, init).then(
    (res) => {
      if (res.status >= 400) countChatApiError('slack', method, `http_${res.status}`);
      return res;
    },
    (err: Error) => {
      countChatApiError('slack', method, errorCode(err));
      throw err;
    },
  );
}

/** A fetch for `new WebClient(token, { fetch })`: its calls are url-encoded POSTs. */
export function slackFetch(): typeof fetch {
  return (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = url.pathname.split('/').pop() || 'unknown';
    const agent = AGENTS[url.protocol];
    if (!agent) return Promise.reject(new TypeError(`Slack API URL must be http or https, not ${url.protocol}`));
    // A file's bytes (files.uploadV2 posts them as multipart form data) go through Node's fetch.
    if (init.body != null && typeof init.body !== 'string') return viaNodeFetch(method, input, init);
    const body = init.body ?? undefined;
    const headers = Object.fromEntries(new Headers(init.headers));
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<Response>((resolve, reject) => {
      const fail = (err: Error) => {
        countChatApiError('slack', method, errorCode(err));
        reject(err);
      };
      const req = request(url, { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          const whole = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          const text = whole.toString('utf8');
          countFailure(method, status, text);
          resolve(answer(status, res.statusMessage ?? '', res.headers, whole, text));
        });
      });
      req.on('error', fail);
      req.end(body);
    });
  };
}
