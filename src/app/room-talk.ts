// Talking to an incident's room after a change has been committed. Everything here is safe to
// repeat: views are rendered from the stored state, never patched, and each repaint is stamped with
// the timeline seq it was rendered from, so an older render never paints over a newer one, on any
// replica. A failure is logged and recorded in the timeline, never thrown at the person who clicked.
import { inForceView } from '../core/actions/service.js';
import { checklistShows, HEADER, type IncidentState, type PostedView, type Workspace } from '../core/incidents/model.js';
import type { EscalationPrompt } from '../core/checklists/service.js';
import type { Checklist } from '../core/runbook/checklist-schema.js';
import { headerView, type HeaderView } from '../core/views/incident.js';
import type { Rich } from '../core/views/rich-text.js';
import type { Logger } from '../log.js';
import { ChatError, type ChatPort, type ChatView } from './chat-port.js';
import { chatOf } from './chats.js';
import { coreText } from './core-text.js';
import type { AppDeps } from './deps.js';

/** What a failed chat call says about itself: the platform's code, or the error's message. */
export const describeFailure = (e: unknown): string => (e instanceof ChatError ? e.code : e instanceof Error ? e.message : String(e));

export class RoomTalk {
  constructor(private readonly deps: AppDeps) {}

  chat(ws: Workspace): ChatPort {
    return chatOf(this.deps.chats, ws);
  }

  logFor(state: IncidentState): Logger {
    return this.deps.log.child({ workspace: state.incident.workspaceId, incident: state.incident.id });
  }

  /** The header's view model, as of the bot's clock now. */
  headerView(state: IncidentState): HeaderView {
    const inForce = this.deps.actions.inForce(state).map(({ request, action }) => {
      const v = inForceView(request, action);
      return { ...v, text: coreText(v.text) };
    });
    return headerView({ model: this.deps.incidents.model, runbook: this.deps.checklists.runbook }, state, { now: this.deps.lifecycle.now(), inForce });
  }

  header(state: IncidentState): ChatView {
    return { kind: 'header', view: this.headerView(state) };
  }

  checklist(state: IncidentState, checklist: Checklist): ChatView {
    return { kind: 'checklist', incidentId: state.incident.id, view: this.deps.checklists.view(state, checklist) };
  }

  /** Records a chat step that failed after the surface's retries, so the gap shows in the timeline. */
  async failed(ws: Workspace, state: IncidentState, step: string, e: unknown): Promise<void> {
    this.logFor(state).warn({ err: e, step }, 'chat step failed');
    await this.deps.incidents.recordDeliveryFailure(ws, state.incident.id, step, describeFailure(e)).catch((err) => this.logFor(state).error({ err, step }, 'could not record a failed chat step'));
  }

  /** A line in the incident's room for everyone to see. */
  async say(ws: Workspace, state: IncidentState, text: Rich, step = 'room.message'): Promise<void> {
    const roomId = state.incident.roomId;
    if (!roomId) return;
    await this.chat(ws).post(ws, roomId, { kind: 'text', text }).catch((e) => this.failed(ws, state, step, e));
  }

  /**
   * Posts a view in the room (pinned when asked) and records where it lives; earlier copies are
   * retired; returns where it now is. Throws when the post fails, for the caller to report.
   * `firstTry`: see ChatPort.post.
   */
  async place(ws: Workspace, state: IncidentState, shows: string, view: ChatView, pin: boolean, firstTry = false): Promise<PostedView | undefined> {
    const roomId = state.incident.roomId;
    if (!roomId) return undefined;
    const chat = this.chat(ws);
    const old = state.posted[shows];
    // Keyed by what the post replaces, not by the state's seq: a process that died after Slack took the
    // post, before it was recorded, left it under the key the next attempt uses, whatever changed since.
    const refs = await chat.post(ws, roomId, view, `${state.incident.id}:${shows}:${old?.refs[0]?.ref ?? 'first'}`, firstTry);
    const posted = { roomId, refs, stamp: state.incident.seq };
    await this.deps.repo.recordPosted(ws, state.incident.id, shows, posted);
    if (pin && refs[0]) await chat.pin(ws, roomId, refs[0].ref);
    if (old) await this.retire(ws, state, old.refs.map((r) => r.ref), view, pin);
    return posted;
  }

  /**
   * The messages a re-post replaces lose their buttons and point below, and the old pin goes: only
   * the newest copy of a view can be clicked, so it is the one kept current.
   */
  private async retire(ws: Workspace, state: IncidentState, refs: string[], view: ChatView, pinned: boolean) {
    const roomId = state.incident.roomId!;
    const chat = this.chat(ws);
    const title = view.kind === 'checklist' ? view.view.title : 'This message';
    for (const [i, ref] of refs.entries()) {
      await chat.update(ws, roomId, [{ ref, digest: '' }], { kind: 'retired', title }).catch((err) => this.logFor(state).warn({ err }, 'could not retire an old message'));
      if (i === 0 && pinned) await chat.unpin(ws, roomId, ref).catch(() => undefined);
    }
  }

  /** Posts a checklist; a failure is recorded (and undefined returned) rather than thrown. */
  postChecklist(ws: Workspace, state: IncidentState, checklist: Checklist, firstTry = false): Promise<PostedView | undefined> {
    return this.place(ws, state, checklistShows(checklist.id), this.checklist(state, checklist), checklist.kind === 'triage', firstTry).catch((e) =>
      this.failed(ws, state, `checklist.post:${checklist.id}`, e).then(() => undefined),
    );
  }

  /** Asks the IC to raise the severity when an attached playbook calls for more (§6.2, §6.7). */
  async promptRaises(ws: Workspace, state: IncidentState, prompts: EscalationPrompt[]): Promise<void> {
    const { id, number, roomId, severity } = state.incident;
    if (!roomId) return;
    for (const p of prompts) {
      const view: ChatView = { kind: 'raise', incidentId: id, number, playbook: p.playbook.title, severity: p.severity, when: p.when, current: severity, done: false };
      await this.chat(ws).post(ws, roomId, view).catch((err) => this.logFor(state).warn({ err }, 'escalation prompt failed'));
    }
  }

  refreshHeader(ws: Workspace, state: IncidentState): Promise<void> {
    return this.repaint(ws, state, HEADER, (s) => this.header(s));
  }

  /** Updates a checklist's messages in place after one of its steps moved; posts it when it has none yet. */
  async refreshChecklist(ws: Workspace, state: IncidentState, checklist: Checklist): Promise<void> {
    const shows = checklistShows(checklist.id);
    if (state.incident.roomId && !state.posted[shows]) return void (await this.postChecklist(ws, state, checklist));
    return this.repaint(ws, state, shows, (s) => this.checklist(s, checklist));
  }

  /**
   * Repaints a posted view from `state`, unless a render of this seq or a newer one was claimed
   * already. When a newer render was claimed while this one was on its way, this one may have landed
   * last: it repaints once more from the stored state, so the newest always ends on screen.
   */
  private async repaint(ws: Workspace, state: IncidentState, shows: string, render: (s: IncidentState) => ChatView, claimed = false): Promise<void> {
    const posted = state.posted[shows];
    const { id, roomId, seq } = state.incident;
    if (!posted || !roomId) return;
    if (!claimed && !(await this.deps.repo.claimRepaint(ws, id, shows, seq))) return;
    try {
      const refs = await this.chat(ws).update(ws, posted.roomId, posted.refs, render(state));
      const newest = await this.deps.repo.recordDigests(ws, id, shows, refs);
      if (newest <= seq || claimed) return;
      const fresh = await this.deps.repo.findById(ws, id);
      if (fresh) await this.repaint(ws, fresh, shows, render, true);
    } catch (e) {
      await this.failed(ws, state, shows === HEADER ? 'header.update' : `checklist.update:${shows.slice('checklist:'.length)}`, e);
    }
  }
}
