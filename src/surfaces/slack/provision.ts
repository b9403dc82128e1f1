// After a declaration is committed: the incident channel, invites, the pinned header and the
// announcement. Each step is skipped when already done, so a retry finishes what a failure left.
// A step that still fails after the WebClient's own retries is recorded and the declarer is told
// what failed and how to finish it by hand.
import { holderOf, type IncidentState, type Workspace } from '../../core/incidents/model.js';
import type { Logger } from '../../log.js';
import { announcement } from './blocks/messages.js';
import { plain, md } from './blocks/text.js';
import { incidentChannelName } from './channel-name.js';
import type { SlackDeps, WebClient } from './context.js';
import { postChecklist, promptEscalations } from './checklist-messages.js';
import { headerViewOf, renderHeader } from './room.js';
import { describe, slackErrorCode } from './slack-error.js';

export const RETRY_PROVISION_ACTION = 'retry_provision';
const NAME_ATTEMPTS = 10;

type Problem = { step: string; detail: string; byHand: string };

async function createChannel(client: WebClient, deps: SlackDeps, state: IncidentState) {
  const { number, title } = state.incident;
  for (let attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
    const name = incidentChannelName(number, title, attempt);
    try {
      const res = await client.conversations.create({ name, is_private: deps.privateChannels });
      return { id: res.channel!.id!, name: res.channel!.name ?? name };
    } catch (e) {
      if (slackErrorCode(e) !== 'name_taken') throw e;
    }
  }
  throw new Error(`every name from ${incidentChannelName(number, title)} to -${NAME_ATTEMPTS} is taken`);
}

export async function provisionRoom(client: WebClient, deps: SlackDeps, ws: Workspace, first: IncidentState, log: Logger) {
  let state = first;
  const { id, declaredBy, number } = state.incident;
  const problems: Problem[] = [];

  if (!state.incident.roomId) {
    try {
      state = (await deps.incidents.attachRoom(ws, id, await createChannel(client, deps, state))).state;
    } catch (e) {
      problems.push({ step: 'channel.create', detail: describe(e), byHand: 'Press *Retry* below once Slack is reachable again.' });
      await report(client, deps, ws, state, problems, log);
      return state;
    }
  }
  const roomId = state.incident.roomId!;

  const people = [...new Set([declaredBy, holderOf(state, 'ic')].filter((u): u is string => !!u))];
  try {
    await client.conversations.invite({ channel: roomId, users: people.join(','), force: true });
  } catch (e) {
    if (slackErrorCode(e) !== 'already_in_channel') {
      problems.push({ step: 'channel.invite', detail: describe(e), byHand: `Join <#${roomId}> and add ${people.map((u) => `<@${u}>`).join(', ')}.` });
    }
  }

  if (!state.incident.headerMessageId) {
    try {
      const res = await client.chat.postMessage({ channel: roomId, ...renderHeader(deps, state) });
      await deps.incidents.recordHeader(ws, id, res.ts!);
      state = { ...state, incident: { ...state.incident, headerMessageId: res.ts! } };
      await client.pins.add({ channel: roomId, timestamp: res.ts! });
      await promptEscalations(client, state, deps.checklists.escalations(state, state.checklists.map((c) => c.checklistId)), log);
    } catch (e) {
      problems.push({ step: 'header.post', detail: describe(e), byHand: `Run \`/incident status\` in <#${roomId}> and pin the reply.` });
    }
  }

  // Triage (and a playbook picked by symptom) go up right under the header.
  for (const attached of state.checklists.filter((c) => c.messageIds.length === 0)) {
    const checklist = deps.checklists.checklist(attached.checklistId);
    if (checklist) await postChecklist(client, deps, ws, state, checklist, log);
  }

  const text = announcement(headerViewOf(deps, state), roomId);
  const origin = state.incident.originRoomId;
  try {
    await client.chat.postMessage({ channel: origin && origin !== roomId ? origin : declaredBy, text });
  } catch (e) {
    // The bot may not be in the channel the command was typed in: tell the declarer directly.
    try {
      await client.chat.postMessage({ channel: declaredBy, text });
    } catch {
      problems.push({ step: 'announce', detail: describe(e), byHand: `Share <#${roomId}> with the people who need it (incident #${number}).` });
    }
  }

  await report(client, deps, ws, state, problems, log);
  if (problems.length === 0) await deps.incidents.setupDone(ws, id);
  return state;
}

/** Records each failed step in the timeline and tells the declarer how to finish by hand. */
async function report(client: WebClient, deps: SlackDeps, ws: Workspace, state: IncidentState, problems: Problem[], log: Logger) {
  if (problems.length === 0) return;
  const { id, number, declaredBy } = state.incident;
  for (const p of problems) {
    log.warn({ step: p.step, detail: p.detail }, 'incident set-up step failed');
    await deps.incidents.recordDeliveryFailure(ws, id, p.step, p.detail);
  }
  const lines = problems.map((p) => `• ${p.step} failed (${p.detail}). ${p.byHand}`);
  const text = `Incident #${number} is recorded, but part of its set-up failed:\n${lines.join('\n')}`;
  const retry = !state.incident.roomId;
  try {
    await client.chat.postMessage({
      channel: declaredBy,
      text,
      blocks: [
        { type: 'section', text: md(text) },
        ...(retry
          ? [{ type: 'actions' as const, elements: [{ type: 'button' as const, action_id: RETRY_PROVISION_ACTION, text: plain('Retry', 75), value: id }] }]
          : []),
      ],
    });
  } catch (e) {
    log.error({ err: e }, 'could not tell the declarer about failed set-up steps');
  }
}
