// `/incident postmortem [edit]`, `/incident followup add | list | done <n>`, `/incident external`.
import { DomainError, ErrorCode } from '../../../../core/errors.js';
import { externalModal, followupModal, postmortemModal } from '../../blocks/postmortem.js';
import { fromOutcome } from './outcome.js';
import type { Subcommand } from './types.js';

export const postmortem: Subcommand = async ({ deps, client, input, asked }) => {
  if (input.args[0]?.toLowerCase() === 'edit') {
    const current = await deps.app.sections(await asked());
    return { after: async () => void (await client.views.open({ trigger_id: input.triggerId, view: postmortemModal(input.channelId, current) })) };
  }
  return fromOutcome(await deps.app.packet(await asked()));
};

export const followup: Subcommand = async ({ deps, client, input, asked }) => {
  const [verb, arg] = input.args.map((a) => a.toLowerCase());
  if (verb === 'add') {
    await deps.app.followupForm(await asked());
    return { after: async () => void (await client.views.open({ trigger_id: input.triggerId, view: followupModal(input.channelId, input.userId) })) };
  }
  if (verb === 'done') return fromOutcome(await deps.app.followupDone({ ...(await asked()), seq: Number(arg?.replace(/^#/, '')) }));
  if (verb !== undefined && verb !== 'list') {
    throw new DomainError(ErrorCode.InvalidInput, 'Use `/incident followup add`, `/incident followup list` or `/incident followup done <number>`.');
  }
  return fromOutcome(await deps.app.followupList(await asked()));
};

export const external: Subcommand = async ({ deps, client, input, asked }) => {
  await deps.app.externalForm(await asked());
  return { after: async () => void (await client.views.open({ trigger_id: input.triggerId, view: externalModal(input.channelId) })) };
};
