// The Slack Web API client over our own transport: answers, Slack's refusals, HTTP failures,
// rate limits and timeouts reach the caller as WebClient reports them, and failures are counted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { registry } from '../../src/metrics.js';
import { slackFetch } from '../../src/surfaces/slack/web-fetch.js';

type Handler = (method: string, form: URLSearchParams, headers: http.IncomingHttpHeaders) => { status?: number; headers?: Record<string, string>; body?: string } | 'hang';
let handler: Handler = () => ({ body: '{"ok":true}' });
const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c.toString()));
  req.on('end', () => {
    const out = handler(req.url!.split('/').pop()!, new URLSearchParams(raw), req.headers);
    if (out === 'hang') return;
    res.writeHead(out.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...out.headers });
    res.end(out.body ?? '');
  });
});
let client: InstanceType<typeof webApi.WebClient>;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  client = new webApi.WebClient('xoxb-test', { slackApiUrl: url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 300, fetch: slackFetch(), logLevel: webApi.LogLevel.ERROR });
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function failures(method: string, code: string): Promise<number> {
  const metric = await registry.getSingleMetric('incident_bot_chat_api_errors_total')!.get();
  return metric.values.find((v) => v.labels.method === method && v.labels.code === code)?.value ?? 0;
}

describe('the Slack Web API transport', () => {
  it('sends the token and the url-encoded arguments, with blocks as JSON, and returns the answer', async () => {
    let seen: { form?: URLSearchParams; auth?: string } = {};
    handler = (method, form, headers) => {
      seen = { form, auth: headers.authorization };
      return { body: JSON.stringify({ ok: true, channel: form.get('channel'), ts: '1700000000.000100', method }) };
    };
    const res = await client.chat.postMessage({ channel: 'C1', text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] });
    expect(res).toMatchObject({ ok: true, channel: 'C1', ts: '1700000000.000100', method: 'chat.postMessage' });
    expect(seen.auth).toBe('Bearer xoxb-test');
    expect(JSON.parse(seen.form!.get('blocks')!)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }]);
  });

  it("gives Slack's refusal to the caller as a platform error and counts it by method and code", async () => {
    handler = () => ({ body: '{"ok":false,"error":"not_in_channel"}' });
    const before = await failures('chat.update', 'not_in_channel');
    await expect(client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_platform_error', data: { error: 'not_in_channel' } });
    expect(await failures('chat.update', 'not_in_channel')).toBe(before + 1);
  });

  it('counts an HTTP failure by status, and the caller sees an HTTP error', async () => {
    handler = () => ({ status: 503, body: 'unavailable' });
    const before = await failures('pins.add', 'http_503');
    await expect(client.pins.add({ channel: 'C1', timestamp: '1.2' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    expect(await failures('pins.add', 'http_503')).toBe(before + 1);
  });

  it("hands a 429's Retry-After to the caller, who decides when to try again", async () => {
    handler = () => ({ status: 429, headers: { 'retry-after': '7' }, body: '{"ok":false,"error":"ratelimited"}' });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  });

  it('gives up on a call that hangs past the timeout, as an unknown outcome, and counts it', async () => {
    handler = () => 'hang';
    const before = await failures('conversations.create', 'timeout');
    await expect(client.conversations.create({ name: 'inc-1-hang' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(await failures('conversations.create', 'timeout')).toBe(before + 1);
  });

  it('sends the bytes of a file upload as multipart form data', async () => {
    let got: { type?: string; body?: string } = {};
    const upload = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        got = { type: req.headers['content-type'], body: raw };
        res.end('OK');
      });
    });
    await new Promise<void>((r) => upload.listen(0, '127.0.0.1', r));
    const uploadUrl = `http://127.0.0.1:${(upload.address() as AddressInfo).port}/upload/F1`;
    handler = (method) =>
      method === 'files.getUploadURLExternal' ? { body: JSON.stringify({ ok: true, upload_url: uploadUrl, file_id: 'F1' }) } : { body: JSON.stringify({ ok: true, files: [{ id: 'F1' }] }) };
    try {
      await client.filesUploadV2({ channel_id: 'C1', content: '# Postmortem packet', filename: 'packet.md', title: 'Packet' });
    } finally {
      upload.close();
    }
    expect(got.type).toContain('multipart/form-data');
    expect(got.body).toContain('# Postmortem packet');
  });
});
