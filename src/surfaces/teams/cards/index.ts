// Every ChatView as Teams messages: one Adaptive Card per message (a long checklist takes several).
import type { ChatView } from '../../../app/chat-port.js';
import { actionConfirmCard, actionRequestedCard, actionsCard } from './actions.js';
import type { Card, Render } from './card.js';
import { escalationCard, reminderCard, updateCard } from './cadence.js';
import { checklistCards, retiredCard } from './checklist.js';
import { headerCard } from './header.js';
import { announcementCard, playbooksCard, raiseCard, setupReportCard, textCard } from './misc.js';

export function renderView(view: ChatView, r: Render): Card[] {
  switch (view.kind) {
    case 'text':
      return [textCard(view.text, r)];
    case 'header':
      return [headerCard(view.view, r)];
    case 'checklist':
      return checklistCards(view.view, view.incidentId, r);
    case 'retired':
      return [retiredCard(view.title)];
    case 'update':
      return [updateCard(view.view, r)];
    case 'reminder':
      return [reminderCard(view.view, r)];
    case 'escalation':
      return [escalationCard(view, r)];
    case 'raise':
      return [raiseCard(view)];
    case 'playbooks':
      return [playbooksCard(view)];
    case 'actions':
      return [actionsCard(view, r)];
    case 'action-requested':
      return [actionRequestedCard(view, r)];
    case 'action-confirm':
      return [actionConfirmCard(view, r)];
    case 'announcement':
      return [announcementCard(view.view, view.roomId, r)];
    case 'setup-report':
      return [setupReportCard(view, r)];
  }
}
