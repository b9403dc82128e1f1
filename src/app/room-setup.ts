// After a declaration is committed: the incident's room, invites, the pinned header, the checklists
// and the announcement. Each step is skipped when already done, so a retry (the declarer's Retry, or
// the scheduler's set-up job after a dead process) finishes what a failure left. A step that still
// fails after the surface's own retries is recorded, and the declarer is told how to finish by hand.
import { checklistShows, HEADER, holderOf, type IncidentState, type PostedView, type Workspace } from '../core/incidents/model.js';
import { command, room, t, user, join, type Rich } from '../core/views/rich-text.js';
import type { AppDeps } from './deps.js';
import { describeFailure, type RoomTalk } from './room-talk.js';

type Problem = { step: string; detail: string; byHand: Rich };

/** The state as it is once `shows` was posted (recorded already), without reading it back. */
const withPosted = (s: IncidentState, shows: string, posted: PostedView): IncidentState => ({ ...s, posted: { ...s.posted, [shows]: posted } });

export class RoomSetup {
  constructor(
    private readonly deps: AppDeps,
    private readonly talk: RoomTalk,
  ) {}

  async run(ws: Workspace, first: IncidentState): Promise<IncidentState> {
    let state = first;
    const { id, declaredBy, number, title } = state.incident;
    const chat = this.talk.chat(ws);
    const problems: Problem[] = [];
    // A room this run opens is new: no earlier attempt can have posted in it, so its first posts need
    // no search for an earlier copy. A run that finds the room open (a retry) searches.
    const newRoom = !state.incident.roomId;

    if (newRoom) {
      try {
        const opened = await chat.openRoom(ws, { number, title, private: this.deps.privateRooms, originRoomId: state.incident.originRoomId });
        state = (await this.deps.incidents.attachRoom(ws, id, opened)).state;
      } catch (e) {
        problems.push({ step: 'channel.create', detail: describeFailure(e), byHand: t`Press ${{ strong: 'Retry' }} below once the chat service is reachable again.` });
        await this.report(ws, state, problems);
        return state;
      }
    }
    const roomId = state.incident.roomId!;

    const people = [...new Set([declaredBy, holderOf(state, 'ic')].filter((u): u is string => !!u))];
    await chat.invite(ws, roomId, people).catch((e) => {
      problems.push({ step: 'channel.invite', detail: describeFailure(e), byHand: t`Join ${room(roomId)} and add ${join(people.map(user), ', ')}.` });
    });

    if (!state.posted[HEADER]) {
      try {
        const header = await this.talk.place(ws, state, HEADER, this.talk.header(state), true, newRoom);
        if (header) state = withPosted(state, HEADER, header);
        await this.talk.promptRaises(ws, state, this.deps.checklists.escalations(state, state.checklists.map((c) => c.checklistId)));
      } catch (e) {
        problems.push({ step: 'header.post', detail: describeFailure(e), byHand: t`Run ${command('status')} in ${room(roomId)} and pin the reply.` });
      }
    }

    // Triage (and a playbook picked by symptom) go up right under the header.
    for (const attached of state.checklists.filter((c) => !state.posted[checklistShows(c.checklistId)])) {
      const checklist = this.deps.checklists.checklist(attached.checklistId);
      const posted = checklist && (await this.talk.postChecklist(ws, state, checklist, newRoom));
      if (posted) state = withPosted(state, checklistShows(attached.checklistId), posted);
    }

    const announcement = { kind: 'announcement' as const, view: this.talk.headerView(state), roomId };
    const origin = state.incident.originRoomId;
    try {
      if (origin && origin !== roomId) await chat.post(ws, origin, announcement);
      else await chat.tell(ws, { userId: declaredBy, roomId: null }, announcement);
    } catch (e) {
      // The bot may not be in the room the command was typed in: tell the declarer directly.
      await chat.tell(ws, { userId: declaredBy, roomId: null }, announcement).catch(() => {
        problems.push({ step: 'announce', detail: describeFailure(e), byHand: t`Share ${room(roomId)} with the people who need it (incident #${number}).` });
      });
    }

    await this.report(ws, state, problems);
    if (problems.length > 0) return this.deps.incidents.claimed(ws, id);
    // Done once the header and every attached checklist are up, judged on the locked current state.
    return (await this.deps.incidents.setupDone(ws, id, (s) => Boolean(s.posted[HEADER]) && s.checklists.every((c) => s.posted[checklistShows(c.checklistId)]))).state;
  }

  /** Records each failed step in the timeline and tells the declarer how to finish by hand. */
  private async report(ws: Workspace, state: IncidentState, problems: Problem[]) {
    if (problems.length === 0) return;
    const { id, number, declaredBy } = state.incident;
    for (const p of problems) {
      this.talk.logFor(state).warn({ step: p.step, detail: p.detail }, 'incident set-up step failed');
      await this.deps.incidents.recordDeliveryFailure(ws, id, p.step, p.detail);
    }
    const view = { kind: 'setup-report' as const, incidentId: id, number, problems, retry: !state.incident.roomId };
    await this.talk.chat(ws).tell(ws, { userId: declaredBy, roomId: null }, view).catch((err) => this.talk.logFor(state).error({ err }, 'could not tell the declarer about failed set-up steps'));
  }
}
