// What every Slack listener receives: the application layer and the logger.
import type { webApi } from '@slack/bolt';
import type { IncidentApp } from '../../app/app.js';
import type { Outcome } from '../../app/intent.js';
import type { Workspace } from '../../core/incidents/model.js';
import type { Logger } from '../../log.js';
import { renderOne } from './render.js';

export type SlackDeps = { app: IncidentApp; log: Logger };

/** The workspace a verified request came from. Bolt has already checked the signature. */
export function slackWorkspace(deps: SlackDeps, teamId: string | undefined): Promise<Workspace> {
  if (!teamId) throw new Error('Slack request without a team id');
  return deps.app.workspace('slack', teamId);
}

/** An intent's private answer as the ack or ephemeral Slack sends back, if it has one. */
export function replyOf(outcome: Outcome): { text: string; blocks?: unknown[] } | undefined {
  return outcome.reply ? renderOne(outcome.reply) : undefined;
}

/** Delivery keys: Slack re-sends the same payload on a retry, so its ids name the delivery. */
export const clickKey = (b: { actionTs: string; actionId: string; userId: string }) => `slack:click:${b.actionTs}:${b.actionId}:${b.userId}`;
export const viewKey = (view: { id: string; hash: string }) => `slack:view:${view.id}:${view.hash}`;
export const commandKey = (triggerId: string) => `slack:command:${triggerId}`;

export type WebClient = webApi.WebClient;
