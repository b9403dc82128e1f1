// Display names for the postmortem packet, from Slack's users.info, cached per workspace: a packet
// names the same few people many times, and users.info is rate-limited (Tier 4) per workspace.
import pLimit from 'p-limit';
import type { Workspace } from '../../core/incidents/model.js';
import type { PeopleDirectory } from '../../core/ports.js';
import type { Logger } from '../../log.js';
import type { WebClient } from './context.js';

/** A name can change; an hour-old one is still right for a packet. */
const TTL_MS = 3_600_000;
const LOOKUPS_AT_ONCE = 4;
const SLACK_USER = /^[UW][A-Z0-9]+$/;

type Known = { name: string; at: number };

export class SlackPeople {
  /** Workspace id → user id → name. */
  private readonly cache = new Map<string, Map<string, Known>>();

  /** The directory over one Web API client (the one of the request being answered). */
  via(client: WebClient, log: Logger): PeopleDirectory {
    return { displayNames: (ws, ids) => this.displayNames(client, log, ws, ids) };
  }

  private async displayNames(client: WebClient, log: Logger, ws: Workspace, ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const known = this.cache.get(ws.id) ?? new Map<string, Known>();
    this.cache.set(ws.id, known);
    const now = Date.now();
    const fresh = (id: string) => (known.get(id)?.at ?? -Infinity) > now - TTL_MS;
    const limit = pLimit(LOOKUPS_AT_ONCE);
    // Ids are claims from stored data: only Slack-shaped ones are asked about.
    const missing = [...new Set(ids)].filter((id) => SLACK_USER.test(id) && !fresh(id));
    await Promise.all(
      missing.map((id) =>
        limit(async () => {
          try {
            const { user } = await client.users.info({ user: id });
            const name = user?.profile?.display_name || user?.real_name || user?.name;
            if (name) known.set(id, { name, at: now });
          } catch (err) {
            log.warn({ err, user: id }, 'users.info failed; the packet shows the id alone');
          }
        }),
      ),
    );
    return new Map(ids.flatMap((id) => (known.has(id) ? [[id, known.get(id)!.name] as const] : [])));
  }
}
