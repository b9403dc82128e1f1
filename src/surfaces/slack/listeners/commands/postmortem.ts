// `/incident postmortem [edit]`, `/incident followup add | list | done <n>`, `/incident external`.
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { packetComplete, packetGaps } from '../../../../core/postmortem/packet.js';
import { externalModal, followupModal, postmortemModal } from '../../blocks/postmortem.js';
import { escape } from '../../blocks/text.js';
import { slackWorkspace } from '../../context.js';
import { announceInRoom } from '../../room.js';
import type { Subcommand } from './types.js';

export const postmortem: Subcommand = async ({ deps, client, input, log }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  if (input.args[0]?.toLowerCase() === 'edit') {
    return { after: async () => void (await client.views.open({ trigger_id: input.triggerId, view: postmortemModal(input.channelId, here.postmortem) })) };
  }
  const gaps = packetGaps(here);
  const filename = `incident-${here.incident.number}-postmortem.md`;
  return {
    reply: packetComplete(here) ? 'Uploading the postmortem packet (complete).' : `Uploading the postmortem packet. Still to write: ${[...gaps.sections, ...(here.followups.length ? [] : ['corrective actions'])].join(', ')}.`,
    // Names are looked up after the ack: users.info must not eat into Slack's 3 seconds.
    after: async () => {
      const { markdown, complete } = await deps.postmortems.packet(ws, here, deps.people.via(client, log));
      await client.filesUploadV2({ channel_id: input.channelId, content: markdown, filename, title: `Postmortem packet: incident #${here.incident.number}` });
      log.info({ incident: here.incident.id, complete }, 'postmortem packet uploaded');
    },
  };
};

export const followup: Subcommand = async ({ deps, client, input, log }) => {
  const ws = await slackWorkspace(deps, input.teamId);
  const here = await deps.incidents.inRoom(ws, input.channelId);
  const [verb, arg] = input.args.map((a) => a.toLowerCase());
  if (verb === 'add') {
    return { after: async () => void (await client.views.open({ trigger_id: input.triggerId, view: followupModal(input.channelId, input.userId) })) };
  }
  if (verb === 'done') {
    const seq = Number(arg?.replace(/^#/, ''));
    if (!Number.isInteger(seq) || seq < 1) throw new DomainError(ErrorCode.InvalidInput, 'Write it as `/incident followup done <number>`, for example `/incident followup done 2`.');
    const { state, changed } = await deps.postmortems.doneFollowup(ws, input.channelId, input.userId, seq);
    if (!changed) return { reply: `Corrective action #${seq} was already done.` };
    return { reply: `Done: #${seq}.`, after: () => announceInRoom(client, deps, ws, state, `<@${input.userId}> completed corrective action #${seq}.`, log) };
  }
  if (verb !== undefined && verb !== 'list') {
    throw new DomainError(ErrorCode.InvalidInput, 'Use `/incident followup add`, `/incident followup list` or `/incident followup done <number>`.');
  }
  if (here.followups.length === 0) return { reply: 'No corrective actions yet; `/incident followup add` adds one.' };
  const lines = here.followups.map(
    (f) => `• #${f.seq} ${escape(f.title)} · ${f.owner ? `<@${f.owner}>` : '*no owner*'} · ${f.dueOn ? f.dueOn.toISOString().slice(0, 10) : '*no deadline*'} · ${f.doneAt ? 'done' : 'open'}`,
  );
  return { reply: `*Corrective actions (§9.2)*\n${lines.join('\n')}` };
};

export const external: Subcommand = async ({ deps, client, input }) => {
  // Refused before the form opens, so nobody writes the text only to be refused on submit.
  await deps.postmortems.assertMayDraftExternal(await slackWorkspace(deps, input.teamId), input.channelId);
  return { after: async () => void (await client.views.open({ trigger_id: input.triggerId, view: externalModal(input.channelId) })) };
};
