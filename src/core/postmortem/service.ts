// §9: the postmortem packet's written sections, corrective actions with owners and deadlines, and
// §7.2 external update drafts, which are refused until the runbook's conditions hold.
import { command, t } from '../views/rich-text.js';
import { z } from 'zod';
import { FOLLOWUP_JOB } from '../cadence/rules.js';
import type { LifecycleService } from '../incidents/lifecycle.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { IncidentState, PostmortemFields, Workspace } from '../incidents/model.js';
import type { Clock, IncidentRepository, PeopleDirectory } from '../ports.js';
import type { Runbook } from '../runbook/checklists.js';
import type { IncidentModel } from '../runbook/schema.js';
import { packetComplete, peopleIn, renderPacket } from './packet.js';

/** Where no directory is at hand (the command line): people appear by id. */
export const ID_ONLY: PeopleDirectory = { displayNames: async () => new Map() };

export type Deps = { repo: IncidentRepository; clock: Clock; runbook: Runbook; model: IncidentModel; lifecycle: LifecycleService };

const text = z.string().trim().max(3000);
const sectionsSchema = z.object({
  rootCauseTechnical: text,
  rootCauseProcess: text,
  whatWorked: text,
  whatDidNot: text,
  rootCauseVerified: z.boolean(),
});

const followupSchema = z.object({
  title: z.string().trim().min(3, 'Say what the corrective action is.').max(300),
  owner: z.string().min(1, 'Name an owner.'),
  dueOn: z.iso.date({ message: 'Pick a deadline.' }),
});

/** §7.2: speculation about the root cause is flagged until it is verified. */
const ROOT_CAUSE_WORDS = /\b(root cause|caused by|because|due to)\b/i;

export class PostmortemService {
  constructor(private readonly deps: Deps) {}

  saveSections(ws: Workspace, roomId: string, actor: string, input: PostmortemFields) {
    const fields = sectionsSchema.parse(input);
    return this.deps.lifecycle.inRoom(ws, roomId, (s) => {
      const before = s.postmortem;
      const changed = (Object.keys(fields) as (keyof PostmortemFields)[]).filter((k) => before?.[k] !== fields[k]);
      if (changed.length === 0) return { events: [], result: fields };
      return { postmortem: { ...fields, by: actor }, events: [{ type: 'postmortem.edited', actor, data: { sections: changed } }], result: fields };
    });
  }

  addFollowup(ws: Workspace, roomId: string, actor: string, input: { title: string; owner: string; dueOn: string }) {
    const parsed = followupSchema.safeParse(input);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      throw new DomainError(ErrorCode.InvalidInput, first.message, String(first.path[0] ?? ''));
    }
    const f = parsed.data;
    const dueOn = new Date(`${f.dueOn}T00:00:00.000Z`);
    return this.deps.lifecycle.inRoom(ws, roomId, (s) => {
      const seq = Math.max(0, ...s.followups.map((x) => x.seq)) + 1;
      return {
        followup: { add: { seq, title: f.title, owner: f.owner, dueOn, createdBy: actor } },
        // The owner hears about it on the morning of the deadline day.
        schedule: [{ kind: FOLLOWUP_JOB, dueAt: new Date(dueOn.getTime() + 9 * 3_600_000), data: { seq } }],
        events: [{ type: 'followup.added', actor, data: { seq, title: f.title, owner: f.owner, dueOn: f.dueOn } }],
        result: seq,
      };
    });
  }

  doneFollowup(ws: Workspace, roomId: string, actor: string, seq: number) {
    return this.deps.lifecycle.inRoom(ws, roomId, (s) => {
      const f = s.followups.find((x) => x.seq === seq);
      if (!f) throw new DomainError(ErrorCode.InvalidInput, t`There is no corrective action #${seq}; ${command('followup', 'list')} shows them.`);
      if (f.doneAt) return { events: [], result: f };
      return { followup: { done: { seq, by: actor } }, events: [{ type: 'followup.done', actor, data: { seq } }], result: f };
    });
  }

  /** The packet as Markdown, with people named by the surface's directory. */
  async packet(ws: Workspace, s: IncidentState, people: PeopleDirectory = ID_ONLY) {
    const timeline = await this.deps.repo.timeline(ws, s.incident.id);
    const names = await people.displayNames(ws, peopleIn(s, timeline));
    return { markdown: renderPacket(s, timeline, this.deps, this.deps.clock.now(), names), complete: packetComplete(s) };
  }

  /**
   * Before the external-update form opens: refuses, with the same reasons the submission would give,
   * while §7.2's conditions on the incident (scope confirmed, a mitigation path) do not hold.
   */
  async assertMayDraftExternal(ws: Workspace, roomId: string) {
    const s = await this.inRoom(ws, roomId);
    const missing = await this.externalBlockers(ws, s);
    if (missing.length > 0) throw externalRefusal(missing);
  }

  /** §7.2: only with scope confirmed, a mitigation path, and customer impact and next steps written. */
  async draftExternal(ws: Workspace, roomId: string, actor: string, input: { customerImpact: string; nextSteps: string }) {
    const s = await this.inRoom(ws, roomId);
    const missing = await this.externalBlockers(ws, s);
    if (!input.customerImpact.trim()) missing.push('the customer impact is not written');
    if (!input.nextSteps.trim()) missing.push('the next steps are not written');
    if (missing.length > 0) throw externalRefusal(missing);
    const warnings =
      !s.postmortem?.rootCauseVerified && ROOT_CAUSE_WORDS.test(`${input.customerImpact} ${input.nextSteps}`)
        ? ['The root cause is not verified: avoid root-cause wording ("caused by", "because", "root cause") until it is (runbook §7.2).']
        : [];
    const draft = `We are responding to an incident affecting ${s.incident.tenants.join(', ') || 'some customers'}.\n\nImpact: ${input.customerImpact.trim()}\n\nNext steps: ${input.nextSteps.trim()}`;
    await this.deps.repo.change(ws, s.incident.id, this.deps.clock.now(), () => ({
      events: [{ type: 'external.drafted', actor, data: { draft, warnings } }],
      result: null,
    }));
    return { draft, warnings };
  }

  private async inRoom(ws: Workspace, roomId: string): Promise<IncidentState> {
    return (await this.deps.lifecycle.inRoom(ws, roomId, () => ({ events: [], result: null }))).state;
  }

  /** The §7.2 conditions on the incident itself that do not hold yet. */
  private async externalBlockers(ws: Workspace, s: IncidentState): Promise<string[]> {
    const timeline = await this.deps.repo.timeline(ws, s.incident.id);
    const missing: string[] = [];
    const scope = this.deps.runbook.triage.sections.find((sec) => sec.id === 'identify-scope')?.items ?? [];
    if (scope.some((i) => s.items[i.id]?.status !== 'done')) missing.push('the scope is not confirmed (every §5.2 identify-scope step done)');
    const lastUpdate = timeline.filter((e) => e.type === 'update.posted').at(-1)?.data as { mitigation?: string } | undefined;
    if (s.incident.status !== 'mitigated' && (!lastUpdate || lastUpdate.mitigation === 'none')) {
      missing.push('no mitigation path exists yet (post an update with a mitigation, or mark the incident mitigated)');
    }
    return missing;
  }
}

const externalRefusal = (missing: string[]) => new DomainError(ErrorCode.NotAllowed, `No external update yet (runbook §7.2): ${missing.join('; ')}.`);
