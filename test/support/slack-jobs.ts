// The application layer's job dispatcher over a Slack WebClient, as the scheduler tests and the bench
// drive it: reminders go through the Slack chat port exactly as the bot's do. The given client makes
// the posts too, so a test's client (retries off, or a stub) is the only way out.
import type { Clock, IncidentRepository } from '../../src/core/ports.js';
import type { WebClient } from '../../src/surfaces/slack/context.js';
import { slackChat } from '../../src/surfaces/slack/slack-chat.js';
import { buildApp } from './app.js';

export const slackJobs = (repo: IncidentRepository, clock: Clock, client: WebClient, escalationChannel?: string) =>
  buildApp({ repo, clock, chats: { slack: slackChat(client, { posts: client }) }, escalationRoom: escalationChannel }).jobs;
