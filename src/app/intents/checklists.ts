// Checklist steps (Done, Skip, n/a, Undo), posting checklists again, and the §6 playbooks.
import { DomainError, ErrorCode, incidentNotFound } from '../../core/errors.js';
import type { IncidentState } from '../../core/incidents/model.js';
import type { StepVerb } from '../../core/checklists/service.js';
import { findItem } from '../../core/runbook/checklists.js';
import { playbookLines } from '../../core/views/playbooks.js';
import { command, t } from '../../core/views/rich-text.js';
import type { ChatView } from '../chat-port.js';
import { here, keyed, replyText, say, type AppContext } from '../context.js';
import type { Asked, Outcome } from '../intent.js';

export function checklistIntents(ctx: AppContext) {
  const { checklists } = ctx.deps;
  const runbook = checklists.runbook;

  /** Done, skip (with a reason), not applicable or undo; a redelivered click changes nothing. */
  const step = (asked: Asked & { incidentId: string; verb: StepVerb; itemId: string; reason?: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const claim = { incidentId: asked.incidentId, roomId: asked.roomId ?? '' };
      const done = await checklists.act(asked.ws, claim, asked.actor, asked.verb, asked.itemId, asked.reason);
      const checklist = checklists.checklist(done.result.checklist.id)!;
      // The header shows each checklist's progress, and the status a first triage step moves.
      return {
        after: async () => {
          await ctx.talk.refreshChecklist(asked.ws, done.state, checklist);
          await ctx.talk.refreshHeader(asked.ws, done.state);
        },
      };
    });

  /**
   * Before a skip form opens: would this person be allowed to skip this step now? Refuses as the
   * submission would, so nobody types a reason only to be refused. Returns the step's text.
   */
  const maySkip = async (asked: Asked & { incidentId: string; itemId: string }): Promise<string> => {
    await checklists.assertMaySkip(asked.ws, { incidentId: asked.incidentId, roomId: asked.roomId ?? '' }, asked.actor, asked.itemId);
    return findItem(runbook, asked.itemId)?.item.text ?? asked.itemId;
  };

  /** A playbook named by its id (`bad-release`) or its runbook reference (`6.1`, `§6.1`). */
  const playbookId = (token: string): string => {
    const tok = token.toLowerCase().replace(/^§/, '');
    const p = runbook.playbooks.find((x) => x.id === tok || x.ref === tok);
    if (!p) throw new DomainError(ErrorCode.InvalidInput, `"${token}" is not a playbook. Use one of: ${runbook.playbooks.map((x) => `${x.ref} ${x.id}`).join(', ')}.`);
    return p.id;
  };

  /** Attaches playbooks and posts them with any escalation prompt; the command and the button share it. */
  const attach = async (asked: Asked, state: IncidentState, ids: string[]): Promise<Outcome> => {
    const done = await checklists.attach(asked.ws, state.incident.id, asked.actor, ids);
    const attached = done.result.attached.map((c) => checklists.checklist(c.id)!);
    if (attached.length === 0 && !done.replayed) return replyText(t`Those playbooks are already attached; ${command('checklist')} posts them again.`);
    return {
      reply: say(t`Attached ${attached.map((p) => p.title).join(', ')}.`),
      after: async () => {
        if (done.replayed) return;
        for (const c of attached) await ctx.talk.postChecklist(asked.ws, done.state, c);
        await ctx.talk.promptRaises(asked.ws, done.state, done.result.prompts);
        // The header lists the attached playbooks and their progress.
        await ctx.talk.refreshHeader(asked.ws, done.state);
      },
    };
  };

  const attachPlaybooks = (asked: Asked & { playbooks: string[] }): Promise<Outcome> =>
    keyed(ctx, asked, async () => attach(asked, await here(ctx, asked), asked.playbooks.map(playbookId)));

  /** The playbook list's Attach button; the id in the payload must be this room's incident. */
  const attachPlaybook = (asked: Asked & { incidentId: string; playbook: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const incident = await here(ctx, asked);
      if (incident.incident.id !== asked.incidentId) throw incidentNotFound();
      return attach(asked, incident, [playbookId(asked.playbook)]);
    });

  /** The §6 playbooks with their §10 symptoms, attached ones marked. */
  const playbooks = async (asked: Asked): Promise<Outcome> => {
    const s = await here(ctx, asked);
    const view: ChatView = {
      kind: 'playbooks',
      incidentId: s.incident.id,
      playbooks: playbookLines(runbook, s.checklists.map((c) => c.checklistId)),
    };
    return { reply: view };
  };

  /** Posts the incident's checklists again (when lost or buried), or attaches and posts one by name. */
  const checklist = (asked: Asked & { name?: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const s = await here(ctx, asked);
      const token = asked.name?.toLowerCase().replace(/^§/, '');
      const named = token ? (runbook.playbooks.find((p) => p.ref === token)?.id ?? token) : undefined;
      const attached = named ? await checklists.attach(asked.ws, s.incident.id, asked.actor, [named]) : null;
      const state = attached?.state ?? s;
      const lists = (named ? [named] : state.checklists.map((c) => c.checklistId)).map((id) => checklists.checklist(id)).filter((c) => c !== undefined);
      return {
        reply: say(t`Posting ${lists.map((c) => c.title).join(', ')} below.`),
        after: async () => {
          for (const c of lists) await ctx.talk.postChecklist(asked.ws, state, c);
          // A newly attached checklist joins the header's progress lines.
          if (attached?.changed) await ctx.talk.refreshHeader(asked.ws, state);
        },
      };
    });

  return { step, maySkip, attachPlaybooks, attachPlaybook, playbooks, checklist };
}
