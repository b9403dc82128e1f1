// What the application layer needs from a room, whatever the surface (Slack, Teams, the console).
// Each surface implements it once; what is posted is one of the core's view models, and the
// surface's renderer decides how a view becomes messages (Block Kit, Adaptive Cards, HTML).
import type { ActionEntry } from '../core/actions/catalog.js';
import type { LiftControl } from '../core/actions/service.js';
import type { ActionRequest, Platform, Severity, Workspace } from '../core/incidents/model.js';
import type { ReminderView, UpdateView } from '../core/views/cadence.js';
import type { ChecklistView } from '../core/views/checklist.js';
import type { HeaderView } from '../core/views/incident.js';
import type { PlaybookLine } from '../core/views/playbooks.js';
import type { Rich } from '../core/views/rich-text.js';

/** A §6 action as a view shows it: what it is, and the words that describe one request of it. */
export type ActionLine = { request: ActionRequest; action: Pick<ActionEntry, 'id' | 'title'>; text: Rich };

/** Everything the application layer posts, updates or tells: a tagged union of view models. */
export type ChatView =
  | { kind: 'text'; text: Rich }
  | { kind: 'header'; view: HeaderView }
  | { kind: 'checklist'; incidentId: string; view: ChecklistView }
  /** A checklist message that a newer copy replaced: no buttons, a pointer to the new one. */
  | { kind: 'retired'; title: string }
  | { kind: 'update'; view: UpdateView }
  | { kind: 'reminder'; view: Exclude<ReminderView, { kind: 'setup' | 'action' | 'lift' | 'expire' | 'escalation' }> }
  /** The commanders' room hears of a reminder missed too often; `roomId` is the incident's room. */
  | { kind: 'escalation'; view: Extract<ReminderView, { kind: 'escalation' }>; roomId: string }
  /** A playbook asks for a higher severity (§6.2, §6.7); `done` once raised or moot (no buttons). */
  | { kind: 'raise'; incidentId: string; number: number; playbook: string; severity: 'SEV0' | 'SEV1'; when: string; current: Severity; done: boolean }
  /** The §6 playbooks with their §10 symptoms, attached ones marked. */
  | { kind: 'playbooks'; incidentId: string; playbooks: PlaybookLine[] }
  /** The actions command's answer: the catalog, requests awaiting approval, actions in force. */
  | { kind: 'actions'; catalog: ActionEntry[]; awaiting: ActionLine[]; inForce: (ActionLine & { lift: string; liftFailed: boolean; control: LiftControl })[] }
  | { kind: 'action-requested'; line: ActionLine; approvers: string[] | null }
  /** A manual action: the requester does it by hand and confirms Done or Failed. */
  | { kind: 'action-confirm'; line: ActionLine; instructions: Rich }
  /** Posted where the incident was declared: the incident's headline and its room. */
  | { kind: 'announcement'; view: HeaderView; roomId: string }
  /** Told to the declarer when part of a room's set-up failed; `retry` offers a Retry button. */
  | { kind: 'setup-report'; incidentId: string; number: number; problems: { step: string; detail: string; byHand: Rich }[]; retry: boolean };

/** One posted message of a view (a long checklist may take several), with a digest of what it shows. */
export type MessageRef = { ref: string; digest: string };

/** A chat call that failed after the surface's own retries; `code` is the platform's (`not_in_channel`). */
export class ChatError extends Error {
  override name = 'ChatError';
  constructor(
    readonly code: string,
    message = code,
  ) {
    super(message);
  }
}

export interface ChatPort {
  readonly platform: Platform;
  /** Opens the incident's own room (a channel, or a thread where channels cannot be made). */
  openRoom(ws: Workspace, spec: { number: number; title: string; private: boolean; originRoomId: string | null }): Promise<{ id: string; name: string }>;
  invite(ws: Workspace, roomId: string, userIds: string[]): Promise<void>;
  /**
   * Posts a view; `key` marks the post so a retry after a lost answer finds it instead of posting
   * twice. `firstTry`: no earlier attempt under this key can have been made (a job's first claim), so
   * there is no earlier copy to look for.
   */
  post(ws: Workspace, roomId: string, view: ChatView, key?: string, firstTry?: boolean): Promise<MessageRef[]>;
  /** Re-renders a posted view in place, sending only the messages whose digest changed. */
  update(ws: Workspace, roomId: string, refs: MessageRef[], view: ChatView): Promise<MessageRef[]>;
  /** A private answer to one person: in the room when given (ephemeral, invoke response), else direct. */
  tell(ws: Workspace, to: { userId: string; roomId: string | null }, view: ChatView): Promise<void>;
  setTopic(ws: Workspace, roomId: string, topic: string): Promise<void>;
  pin(ws: Workspace, roomId: string, ref: string): Promise<void>;
  unpin(ws: Workspace, roomId: string, ref: string): Promise<void>;
  attachFile(ws: Workspace, roomId: string, file: { name: string; title: string; content: string }): Promise<void>;
}
