// A ChatView as Slack messages: each view becomes one or more `{ text, blocks }` (a long checklist
// splits at Slack's 50 blocks). Pure: tests snapshot it.
import type { types } from '@slack/bolt';
import type { ChatView } from '../../app/chat-port.js';
import { actionsOverview, confirmMessage, requestedMessage } from './blocks/actions.js';
import { checklistMessages } from './blocks/checklist.js';
import { headerBlocks, headerText } from './blocks/header.js';
import { announcement } from './blocks/messages.js';
import { escalationPrompt, playbookList } from './blocks/playbooks.js';
import { mrkdwn } from './blocks/rich.js';
import { md, plain } from './blocks/text.js';
import { escalationMessage, reminderMessage, updateMessage } from './blocks/update.js';

export type SlackMessage = { text: string; blocks?: types.KnownBlock[] };

export const RETRY_PROVISION_ACTION = 'retry_provision';

function setupReport(v: Extract<ChatView, { kind: 'setup-report' }>): SlackMessage {
  const lines = v.problems.map((p) => `• ${p.step} failed (${p.detail}). ${mrkdwn(p.byHand)}`);
  const text = `Incident #${v.number} is recorded, but part of its set-up failed:\n${lines.join('\n')}`;
  return {
    text,
    blocks: [
      { type: 'section', text: md(text) },
      ...(v.retry ? [{ type: 'actions' as const, elements: [{ type: 'button' as const, action_id: RETRY_PROVISION_ACTION, text: plain('Retry', 75), value: v.incidentId }] }] : []),
    ],
  };
}

export function render(view: ChatView): SlackMessage[] {
  switch (view.kind) {
    case 'text':
      return [{ text: mrkdwn(view.text) }];
    case 'header':
      return [{ text: headerText(view.view), blocks: headerBlocks(view.view) }];
    case 'checklist':
      return checklistMessages(view.view, view.incidentId);
    case 'retired':
      return [{ text: `${view.title}: this checklist moved to a newer message below.`, blocks: [] }];
    case 'update':
      return [updateMessage(view.view)];
    case 'reminder':
      return [reminderMessage(view.view)];
    case 'escalation':
      return [{ text: escalationMessage(view.view, view.roomId) }];
    case 'raise': {
      const m = escalationPrompt(view.number, view.playbook, { severity: view.severity, when: view.when }, view.done ? view.severity : view.current, view.incidentId);
      return [m];
    }
    case 'playbooks':
      return [playbookList(view.playbooks, view.incidentId)];
    case 'actions':
      return [actionsOverview(view.catalog, view.awaiting, view.inForce)];
    case 'action-requested':
      return [requestedMessage(view.line, view.approvers)];
    case 'action-confirm':
      return [confirmMessage(view.line.request, mrkdwn(view.instructions))];
    case 'announcement':
      return [{ text: announcement(view.view, view.roomId) }];
    case 'setup-report':
      return [setupReport(view)];
  }
}

/** One message for a private answer (an ack, an ephemeral): the first, which is all most views have. */
export const renderOne = (view: ChatView): SlackMessage => render(view)[0]!;
