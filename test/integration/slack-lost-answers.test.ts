// The Slack chat port against the fake Web API when Slack does the work but its answer is lost or
// late: one channel, one message, whatever the retries. Posts carry their key in message metadata
// and are looked up before they are tried again.
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ChatError, type ChatPort } from '../../src/app/chat-port.js';
import type { Workspace } from '../../src/core/incidents/model.js';
import { t as text } from '../../src/core/views/rich-text.js';
import { slackChat } from '../../src/surfaces/slack/slack-chat.js';
import { FakeSlackApi } from '../fakes/slack-api.js';

const WS: Workspace = { id: 'w1', platform: 'slack', externalId: 'T1' };
let slack: FakeSlackApi;
let chat: ChatPort;

beforeEach(async () => {
  slack = await new FakeSlackApi().start();
  // Retries on, as the bot's own client has them: the port must not let them repeat a post.
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 }, timeout: 300 });
  chat = slackChat(client, { timeoutMs: 300 });
});
afterEach(() => slack.stop());

const room = { number: 7, title: 'Activation failing', private: false, originRoomId: null };
const hello = { kind: 'text' as const, text: text`Hello` };
const refusal = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the post to fail'); }, (e: unknown) => e as ChatError);

it('keeps one channel when the answer to conversations.create is lost', async () => {
  slack.fail('conversations.create', { lost: true });
  const opened = await chat.openRoom(WS, room);
  expect(slack.channels).toEqual([expect.objectContaining({ id: opened.id, name: opened.name })]);
});

it('keeps one channel when conversations.create answers 503 after making it', async () => {
  slack.fail('conversations.create', { after: 503 });
  const opened = await chat.openRoom(WS, room);
  expect(slack.channels.map((c) => c.id)).toEqual([opened.id]);
});

it('takes the next name when the name belongs to a channel someone else made', async () => {
  slack.channels.push({ id: 'CTHEIRS', name: 'inc-7-activation-failing', creator: 'UHUMAN', is_archived: false });
  const opened = await chat.openRoom(WS, room);
  expect(opened.name).toBe('inc-7-activation-failing-2');
});

it.each([
  ['lost', { lost: true }],
  ['answered 503 after the post', { after: 503 }],
])('posts once when the answer to chat.postMessage is %s', async (_name, failure) => {
  slack.fail('chat.postMessage', failure);
  const [ref] = await chat.post(WS, 'CINC1', hello, 'inc1:header:3');
  const posted = slack.messages.get('CINC1') ?? [];
  expect(posted.map((m) => m.ts)).toEqual([ref!.ref]);
  expect(posted[0]!.metadata).toEqual({ event_type: 'incident_bot_post', event_payload: { key: 'inc1:header:3', part: 0 } });
});

it('posts once after a rate limit, when its Retry-After has passed, without searching for an earlier copy', async () => {
  // A 429 is a refusal, not a lost answer: nothing was posted, so there is nothing to look up.
  slack.fail('chat.postMessage', { status: 429, retryAfter: 1 });
  const [ref] = await chat.post(WS, 'CINC1', hello);
  expect(slack.called('chat.postMessage')).toHaveLength(2);
  expect(slack.called('conversations.history')).toHaveLength(0);
  expect((slack.messages.get('CINC1') ?? []).map((m) => m.ts)).toEqual([ref!.ref]);
});

it("searches the channel before a keyed post, except on a job's first try, which nothing can have posted", async () => {
  await chat.post(WS, 'CINC1', hello, 'job:j1', true);
  expect(slack.called('conversations.history')).toHaveLength(0);
  await chat.post(WS, 'CINC1', hello, 'job:j2');
  expect(slack.called('conversations.history')).toHaveLength(1);
  expect(slack.messages.get('CINC1')).toHaveLength(2);
});

it('posts an unkeyed message once too when its answer is lost', async () => {
  slack.fail('chat.postMessage', { lost: true });
  await chat.post(WS, 'CINC1', hello);
  expect(slack.messages.get('CINC1')).toHaveLength(1);
});

it('finds a keyed post made before a crash instead of posting it again', async () => {
  const [first] = await chat.post(WS, 'CINC1', hello, 'inc1:update:9');
  const [again] = await chat.post(WS, 'CINC1', hello, 'inc1:update:9');
  expect(again!.ref).toBe(first!.ref);
  expect(slack.messages.get('CINC1')).toHaveLength(1);
});

it('gives up on a post that is never answered, having posted it once', async () => {
  slack.fail('chat.postMessage', { lost: true }, 10);
  slack.fail('conversations.history', { lost: true }, 10);
  const e = await refusal(chat.post(WS, 'CINC1', hello));
  expect(e).toBeInstanceOf(ChatError);
  expect(e.code).toBe('post_unconfirmed');
  expect(slack.messages.get('CINC1')).toHaveLength(1);
});

it('does not post a keyed message while the channel cannot be searched for an earlier copy', async () => {
  slack.fail('conversations.history', { lost: true }, 10);
  const e = await refusal(chat.post(WS, 'CINC1', hello, 'inc1:header:1'));
  expect(e.code).toBe('post_unconfirmed');
  expect(slack.messages.get('CINC1')).toBeUndefined();
});

it('reports a refused post at once, without searching or retrying', async () => {
  slack.fail('chat.postMessage', { error: 'not_in_channel' });
  const e = await refusal(chat.post(WS, 'CINC1', hello));
  expect((e as ChatError).code).toBe('not_in_channel');
  expect(slack.called('chat.postMessage')).toHaveLength(1);
});
