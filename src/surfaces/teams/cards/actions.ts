// §6 containment actions as Adaptive Cards: the overview with Run buttons, requests awaiting a
// second person's approval, manual confirmations, actions in force with their Lift button.
import type { ActionLine, ChatView } from '../../../app/chat-port.js';
import { actionSet, card, escapeText, execute, heading, mentioner, openForm, textBlock, type Card, type Element, type Render } from './card.js';
import { liftButton } from './header.js';

type Line = (line: ActionLine) => string;

const row = (text: string, button: ReturnType<typeof execute>): Element => ({
  type: 'ColumnSet',
  columns: [
    { type: 'Column', width: 'stretch', items: [textBlock(text)] },
    { type: 'Column', width: 'auto', items: [actionSet([button])] },
  ],
});

/** The request id is a claim; src/app checks it belongs to the incident of the room it was clicked in. */
const target = (l: ActionLine) => ({ requestId: l.request.id });

export function actionsCard(v: Extract<ChatView, { kind: 'actions' }>, r: Render): Card {
  const m = mentioner(r);
  const line: Line = (l) => m.rich(l.text);
  const body: Element[] = [];
  if (v.awaiting.length) body.push(heading('Awaiting approval'), ...v.awaiting.map((l) => row(`Awaiting approval: ${line(l)}`, execute('Approve', 'action.approve', target(l), 'positive'))));
  if (v.inForce.length) {
    body.push(
      heading('In force'),
      ...v.inForce.map((l) => {
        const text = `In force: ${line(l)}${l.liftFailed ? ' (the last lift failed)' : ''}`;
        return l.control === 'none' ? textBlock(text) : row(text, liftButton(l.lift, l.control, target(l)));
      }),
    );
  }
  body.push(heading('Containment actions (runbook §6)'));
  for (const a of v.catalog) {
    body.push({
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'stretch', items: [textBlock(`**${escapeText(a.title)}** (§${a.refs.join(', §')})${a.destructive ? ' · destructive' : ''}`)] },
        { type: 'Column', width: 'auto', items: [actionSet([openForm('Run', 'action', { actionId: a.id })])] },
      ],
    });
  }
  return card(body, m.mentions);
}

export function actionRequestedCard(v: Extract<ChatView, { kind: 'action-requested' }>, r: Render): Card {
  const m = mentioner(r);
  const what = m.rich(v.line.text);
  if (!v.approvers) return card([textBlock(`Approved and running: ${what}.`)], m.mentions);
  const who = v.approvers.length ? v.approvers.map((u) => m.who(u)).join(' or ') : 'the IC or an owning lead';
  return card([textBlock(`Requested: ${what}. A second person must approve (${who}).`)], m.mentions, [execute('Approve', 'action.approve', target(v.line), 'positive')]);
}

export function actionConfirmCard(v: Extract<ChatView, { kind: 'action-confirm' }>, r: Render): Card {
  const m = mentioner(r);
  return card([textBlock(m.rich(v.line.text)), textBlock(m.rich(v.instructions))], m.mentions, [
    execute('Done', 'action.confirm', { ...target(v.line), outcome: 'done' }, 'positive'),
    execute('Failed', 'action.confirm', { ...target(v.line), outcome: 'failed' }, 'destructive'),
  ]);
}
