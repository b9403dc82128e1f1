// The chat port over Slack's Web API. One bot token serves every workspace it is installed in, so
// the workspace only scopes what the application layer stored; the channel ids carry the rest.
import { createHash } from 'node:crypto';
import { ChatError, type ChatPort, type ChatView, type MessageRef } from '../../app/chat-port.js';
import type { Workspace } from '../../core/incidents/model.js';
import { incidentChannelName } from './channel-name.js';
import type { WebClient } from './context.js';
import { render, type SlackMessage } from './render.js';
import { slackErrorCode } from './slack-error.js';

const NAME_ATTEMPTS = 10;

const digest = (m: SlackMessage) => createHash('sha256').update(JSON.stringify(m)).digest('base64url').slice(0, 22);

/** A Web API failure as the port's error, carrying Slack's code (`not_in_channel`, `name_taken`). */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const code = slackErrorCode(e);
    throw code ? new ChatError(code) : e;
  }
}

export function slackChat(client: WebClient): ChatPort {
  return {
    platform: 'slack',

    async openRoom(_ws: Workspace, spec) {
      for (let attempt = 1; attempt <= NAME_ATTEMPTS; attempt++) {
        const name = incidentChannelName(spec.number, spec.title, attempt);
        try {
          const res = await client.conversations.create({ name, is_private: spec.private });
          return { id: res.channel!.id!, name: res.channel!.name ?? name };
        } catch (e) {
          if (slackErrorCode(e) !== 'name_taken') throw new ChatError(slackErrorCode(e) ?? (e instanceof Error ? e.message : String(e)));
        }
      }
      throw new ChatError('name_taken', `every name from ${incidentChannelName(spec.number, spec.title)} to -${NAME_ATTEMPTS} is taken`);
    },

    async invite(_ws, roomId, userIds) {
      try {
        await client.conversations.invite({ channel: roomId, users: userIds.join(','), force: true });
      } catch (e) {
        if (slackErrorCode(e) !== 'already_in_channel') throw new ChatError(slackErrorCode(e) ?? String(e));
      }
    },

    async post(_ws, roomId, view) {
      const refs: MessageRef[] = [];
      for (const message of render(view)) {
        const res = await call(() => client.chat.postMessage({ channel: roomId, ...message }));
        refs.push({ ref: res.ts!, digest: digest(message) });
      }
      return refs;
    },

    async update(_ws, roomId, refs, view: ChatView) {
      const messages = view.kind === 'retired' ? refs.map(() => render(view)[0]!) : render(view);
      const out: MessageRef[] = [];
      for (const [i, ref] of refs.entries()) {
        const message = messages[i];
        if (!message) continue;
        const d = digest(message);
        // Only a message that shows something new is sent again.
        if (d !== ref.digest) await call(() => client.chat.update({ channel: roomId, ts: ref.ref, ...message }));
        out.push({ ref: ref.ref, digest: d });
      }
      return out;
    },

    async tell(_ws, to, view) {
      const message = render(view)[0]!;
      if (to.roomId) await call(() => client.chat.postEphemeral({ channel: to.roomId!, user: to.userId, ...message }));
      else await call(() => client.chat.postMessage({ channel: to.userId, ...message }));
    },

    async setTopic(_ws, roomId, topic) {
      await call(() => client.conversations.setTopic({ channel: roomId, topic }));
    },

    async pin(_ws, roomId, ref) {
      await call(() => client.pins.add({ channel: roomId, timestamp: ref }));
    },

    async unpin(_ws, roomId, ref) {
      await call(() => client.pins.remove({ channel: roomId, timestamp: ref }));
    },

    async attachFile(_ws, roomId, file) {
      await call(() => client.filesUploadV2({ channel_id: roomId, content: file.content, filename: file.name, title: file.title }));
    },
  };
}
