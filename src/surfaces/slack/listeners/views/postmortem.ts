// Submissions of the postmortem, corrective-action and external-update forms.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { isDomainError } from '../../../../core/errors.js';
import type { Workspace } from '../../../../core/incidents/model.js';
import type { Logger } from '../../../../log.js';
import { readExternalForm, readFollowupForm, readPostmortemForm, readRoom } from '../../blocks/postmortem.js';
import { escape } from '../../blocks/text.js';
import { slackWorkspace, type SlackDeps, type WebClient } from '../../context.js';
import { errorText } from '../../reply.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Submit = (ctx: { deps: SlackDeps; ws: Workspace; roomId: string; actor: string; args: Args }) => Promise<(client: WebClient, log: Logger) => Promise<void>>;

/** Saves first (errors show beside their field), acks, then talks. */
function submission(deps: SlackDeps, fallbackField: string, submit: Submit) {
  return async (args: Args) => {
    const { ack, body, view, client } = args;
    const actor = body.user.id;
    const log = deps.log.child({ team: body.team?.id, user: actor, view: view.id, callback: view.callback_id });
    let talk;
    try {
      const roomId = readRoom(view.private_metadata);
      if (!roomId) throw new Error('form without its channel');
      const ws = await slackWorkspace(deps, body.team?.id ?? body.user.team_id);
      talk = await submit({ deps, ws, roomId, actor, args });
    } catch (e) {
      const field = isDomainError(e) && e.field && view.state.values[e.field] ? e.field : fallbackField;
      await ack({ response_action: 'errors', errors: { [field]: errorText(e, log) } });
      return;
    }
    await ack();
    await talk(client, log).catch((err) => log.warn({ err }, 'post after a form failed'));
  };
}

export const savePostmortem = (deps: SlackDeps) =>
  submission(deps, 'rootCauseTechnical', async ({ ws, roomId, actor, args }) => {
    await deps.postmortems.saveSections(ws, roomId, actor, readPostmortemForm(args.view.state.values));
    return async (client) => void (await client.chat.postEphemeral({ channel: roomId, user: actor, text: 'Postmortem sections saved.' }));
  });

export const addFollowup = (deps: SlackDeps) =>
  submission(deps, 'title', async ({ ws, roomId, actor, args }) => {
    const form = readFollowupForm(args.view.state.values);
    const { result } = await deps.postmortems.addFollowup(ws, roomId, actor, form);
    return async (client) =>
      void (await client.chat.postMessage({ channel: roomId, text: `Corrective action #${result} added by <@${actor}>: ${escape(form.title)} · owner <@${form.owner}> · due ${form.dueOn}.` }));
  });

export const draftExternal = (deps: SlackDeps) =>
  submission(deps, 'customerImpact', async ({ ws, roomId, actor, args }) => {
    const { draft, warnings } = await deps.postmortems.draftExternal(ws, roomId, actor, readExternalForm(args.view.state.values));
    const warn = warnings.map((w) => `:warning: ${w}`).join('\n');
    return async (client) =>
      void (await client.chat.postMessage({ channel: roomId, text: `External update draft by <@${actor}>, for the IC to copy:\n\`\`\`${draft}\`\`\`${warn ? `\n${warn}` : ''}` }));
  });
