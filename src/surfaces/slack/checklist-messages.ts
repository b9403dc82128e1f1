// Posting and refreshing checklist messages in an incident channel, after the change is committed.
// A refresh re-renders from the stored state, so repeating it is harmless.
import type { Checklist } from '../../core/runbook/checklist-schema.js';
import type { IncidentState, Workspace } from '../../core/incidents/model.js';
import type { EscalationPrompt } from '../../core/checklists/service.js';
import type { Logger } from '../../log.js';
import { checklistMessages } from './blocks/checklist.js';
import { escalationPrompt } from './blocks/playbooks.js';
import type { SlackDeps, WebClient } from './context.js';
import { inOrder } from './in-order.js';
import { describe } from './slack-error.js';

function render(deps: SlackDeps, state: IncidentState, checklist: Checklist) {
  return checklistMessages(deps.checklists.view(state, checklist), state.incident.id);
}

/** Posts a checklist as new messages (the triage one pinned) and records where it now lives. */
export async function postChecklist(client: WebClient, deps: SlackDeps, ws: Workspace, state: IncidentState, checklist: Checklist, log: Logger) {
  const roomId = state.incident.roomId;
  if (!roomId) return;
  try {
    const ids: string[] = [];
    for (const message of render(deps, state, checklist)) {
      const res = await client.chat.postMessage({ channel: roomId, ...message });
      ids.push(res.ts!);
    }
    await deps.incidents.recordChecklistMessages(ws, state.incident.id, checklist.id, ids);
    if (checklist.kind === 'triage' && ids[0]) await client.pins.add({ channel: roomId, timestamp: ids[0] });
    await retire(client, roomId, checklist, state.checklists.find((c) => c.checklistId === checklist.id)?.messageIds ?? [], log);
  } catch (e) {
    log.warn({ err: e, checklist: checklist.id }, 'checklist post failed');
    await deps.incidents.recordDeliveryFailure(ws, state.incident.id, `checklist.post:${checklist.id}`, describe(e));
  }
}

/**
 * The messages a re-post replaces lose their buttons and point below, and the old triage pin goes:
 * only the newest copy of a checklist can be clicked, so it is the one kept current.
 */
async function retire(client: WebClient, roomId: string, checklist: Checklist, old: string[], log: Logger) {
  for (const [i, ts] of old.entries()) {
    await client.chat
      .update({ channel: roomId, ts, text: `${checklist.title}: this checklist moved to a newer message below.`, blocks: [] })
      .catch((err) => log.warn({ err }, 'could not retire an old checklist message'));
    if (i === 0 && checklist.kind === 'triage') await client.pins.remove({ channel: roomId, timestamp: ts }).catch(() => undefined);
  }
}

/** Updates a checklist's messages in place after one of its steps moved. */
export function refreshChecklist(client: WebClient, deps: SlackDeps, ws: Workspace, state: IncidentState, checklist: Checklist, log: Logger) {
  return inOrder(`checklist:${state.incident.id}:${checklist.id}`, deps, ws, state, async (fresh) => {
    const roomId = fresh.incident.roomId;
    const ids = fresh.checklists.find((c) => c.checklistId === checklist.id)?.messageIds ?? [];
    if (!roomId || ids.length === 0) return postChecklist(client, deps, ws, fresh, checklist, log);
    const messages = render(deps, fresh, checklist);
    try {
      for (const [i, ts] of ids.entries()) {
        const message = messages[i];
        if (message) await client.chat.update({ channel: roomId, ts, ...message });
      }
    } catch (e) {
      log.warn({ err: e, checklist: checklist.id }, 'checklist update failed');
      await deps.incidents.recordDeliveryFailure(ws, fresh.incident.id, `checklist.update:${checklist.id}`, describe(e));
    }
  });
}

/** Asks the IC to raise the severity when an attached playbook calls for more (§6.2, §6.7). */
export async function promptEscalations(client: WebClient, state: IncidentState, prompts: EscalationPrompt[], log: Logger) {
  const roomId = state.incident.roomId;
  if (!roomId) return;
  for (const p of prompts) {
    const message = escalationPrompt(state.incident.number, p.playbook.title, { severity: p.severity, when: p.when }, state.incident.severity, state.incident.id);
    await client.chat.postMessage({ channel: roomId, ...message }).catch((err) => log.warn({ err }, 'escalation prompt failed'));
  }
}
