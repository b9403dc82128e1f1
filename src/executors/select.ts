// Which executor carries each action out. The configuration is the one source of truth: the actions
// ACTION_WEBHOOK_ACTIONS names go to the webhook, every other one is confirmed by hand. A name the
// catalog does not know stops start-up, so a typo never quietly turns a webhook action into a manual one.
import { ConfigError, type Config } from '../config.js';
import type { ActionCatalog } from '../core/actions/catalog.js';
import type { Executor, ExecutorKind } from '../core/actions/ports.js';

export type Executors = { kindOf: (actionId: string) => ExecutorKind; executorFor: (actionId: string) => Executor | null };

export function selectExecutors(hook: Config['actionWebhook'], catalog: ActionCatalog, webhook: (hook: NonNullable<Config['actionWebhook']>) => Executor): Executors {
  if (!hook) return { kindOf: () => 'manual', executorFor: () => null };
  const known = new Set(catalog.actions.map((a) => a.id));
  const unknown = hook.actions === 'all' ? [] : hook.actions.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ACTION_WEBHOOK_ACTIONS: ${unknown.map((id) => `"${id}"`).join(', ')} ${unknown.length > 1 ? 'are not actions' : 'is not an action'} of the catalog; expected * or a comma-separated list of: ${[...known].join(', ')}`,
    );
  }
  const sent = new Set(hook.actions === 'all' ? known : hook.actions);
  const executor = webhook(hook);
  const kindOf = (id: string): ExecutorKind => (sent.has(id) ? 'webhook' : 'manual');
  return { kindOf, executorFor: (id) => (kindOf(id) === 'webhook' ? executor : null) };
}
