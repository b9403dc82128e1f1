// Roles and severity: assign, take a role from the header, change or raise the severity.
import { incidentNotFound } from '../../core/errors.js';
import { parseRole, parseSeverity, severityRank } from '../../core/incidents/rules.js';
import type { IncidentState, Role, Severity } from '../../core/incidents/model.js';
import type { ChatView } from '../chat-port.js';
import { em, strong, t, user } from '../../core/views/rich-text.js';
import { here, keyed, replyText, say, talkAfter, type AppContext } from '../context.js';
import type { Asked, Outcome } from '../intent.js';

export function roleIntents(ctx: AppContext) {
  const { incidents } = ctx.deps;
  const roleName = (role: Role) => incidents.model.roles[role].name;

  /** The IC hands a role over; anyone may step into a role nobody holds. */
  const assign = (asked: Asked & { role: string; userId: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const role = parseRole(asked.role);
      const incident = await here(ctx, asked);
      const done = await incidents.assignRole(asked.ws, incident.incident.id, asked.actor, role, asked.userId);
      const name = roleName(role);
      if (done.result.kind === 'unchanged') return replyText(t`${user(asked.userId)} already holds ${name}.`);
      const was = done.result.previous ? t`, taking over from ${user(done.result.previous)}` : [];
      return {
        reply: say(t`Done: ${user(asked.userId)} is now ${name}.`),
        after: talkAfter(
          done,
          () => ctx.talk.say(asked.ws, done.state, t`${user(asked.userId)} is now ${strong(name)}${was} (assigned by ${user(asked.actor)}).`),
          () => ctx.talk.refreshHeader(asked.ws, done.state),
        ),
      };
    });

  /**
   * The header's "Take role": first come, first served; the loser is told who holds it. The incident
   * id comes from a payload, so it must belong to the room the button was clicked in.
   */
  const takeRole = (asked: Asked & { incidentId: string; role: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const role = parseRole(asked.role);
      const done = await incidents.takeRole(asked.ws, { incidentId: asked.incidentId, roomId: asked.roomId ?? '' }, asked.actor, role);
      const name = roleName(role);
      if (done.result.kind === 'unchanged' && !done.replayed) return replyText(t`You already hold ${name}.`);
      // The room line and the header go with the other background talk, so a burst of clicks keeps
      // its acks fast; the header is re-rendered from the stored state when its turn comes.
      const talk = talkAfter(
        done,
        () => ctx.talk.say(asked.ws, done.state, t`${user(asked.actor)} took ${strong(name)}.`),
        () => ctx.talk.refreshHeader(asked.ws, done.state),
      );
      return { after: async () => void ctx.deps.background(talk).catch((err) => ctx.talk.logFor(done.state).error({ err }, 'take-role talk failed')) };
    });

  /**
   * A "Raise to SEVn" prompt that has done its job (raised, or moot) is re-rendered without buttons.
   * The prompt names the attached playbook whose escalation covers the severity asked for.
   */
  const retirePrompt = async (asked: Asked, s: IncidentState, to: Severity, promptRef: string | undefined) => {
    const roomId = s.incident.roomId;
    const attached = new Set(s.checklists.map((c) => c.checklistId));
    const p = ctx.deps.checklists.runbook.playbooks.find((x) => attached.has(x.id) && x.escalation && severityRank(to) <= severityRank(x.escalation.severity));
    if (!promptRef || !roomId || !p?.escalation) return;
    const view: ChatView = { kind: 'raise', incidentId: s.incident.id, number: s.incident.number, playbook: p.title, severity: p.escalation.severity, when: p.escalation.when, current: s.incident.severity, done: true };
    await ctx.talk.chat(asked.ws).update(asked.ws, roomId, [{ ref: promptRef, digest: '' }], view).catch((err) => ctx.talk.logFor(s).warn({ err }, 'could not retire the raise prompt'));
  };

  const changeSeverity = async (asked: Asked, incidentId: string, to: Severity, reason: string | null, how: 'command' | 'prompt', promptRef?: string): Promise<Outcome> => {
    // A prompt only ever raises: clicked on an incident already as severe or more, it is moot.
    const done = await incidents.changeSeverity(asked.ws, incidentId, asked.actor, to, reason, { onlyRaise: how === 'prompt' });
    if (!done.result) {
      const now = done.state.incident.severity;
      return { reply: say(t`The incident is already ${now}.`), ...(how === 'prompt' ? { after: () => retirePrompt(asked, done.state, to, promptRef) } : {}) };
    }
    const from = done.result.from;
    const line =
      how === 'prompt'
        ? t`Severity raised from ${from} to ${strong(to)} by ${user(asked.actor)} (playbook prompt).`
        : t`Severity changed from ${from} to ${strong(to)} by ${user(asked.actor)}${reason ? `: ${reason}` : ''}.\n${em(incidents.model.severities[to])}`;
    return {
      reply: say(t`Done: severity is now ${to}.`),
      after: talkAfter(
        done,
        () => ctx.talk.say(asked.ws, done.state, line),
        async () => {
          await ctx.talk.refreshHeader(asked.ws, done.state);
          if (how === 'prompt') await retirePrompt(asked, done.state, to, promptRef);
        },
      ),
    };
  };

  /** The IC changes the severity; the §4 floor holds, and the update cadence follows at once. */
  const severity = (asked: Asked & { level: string; reason: string | null }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const to = parseSeverity(asked.level);
      const incident = await here(ctx, asked);
      return changeSeverity(asked, incident.incident.id, to, asked.reason, 'command');
    });

  /** "Raise to SEVn" on a playbook's prompt; the id in the payload must be this room's incident. */
  const raiseSeverity = (asked: Asked & { incidentId: string; to: Severity; promptRef?: string }): Promise<Outcome> =>
    keyed(ctx, asked, async () => {
      const incident = await here(ctx, asked);
      if (incident.incident.id !== asked.incidentId) throw incidentNotFound();
      return changeSeverity(asked, incident.incident.id, asked.to, 'raised from a playbook prompt', 'prompt', asked.promptRef);
    });

  return { assign, takeRole, severity, raiseSeverity };
}
