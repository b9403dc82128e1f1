// Manual execution: the actions ACTION_WEBHOOK_ACTIONS does not name are manual (an unknown name stops
// start-up), the requester is asked to carry the action out, and only the requester's confirmation
// becomes the outcome.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadActionCatalog } from '../../src/core/actions/catalog.js';
import type { Executor } from '../../src/core/actions/ports.js';
import { manualOutcome, manualPrompt } from '../../src/executors/manual.js';
import { selectExecutors } from '../../src/executors/select.js';

const req = { action: { id: 'halt-dispatch', title: 'Halt dispatch for task types/queues', effects: ['freeze-dispatch' as const] }, params: { tenant: 'acme', taskType: ['sync', 'publish'] }, requestedBy: 'U_SWARM' };

describe('manual executor', () => {
  const catalog = loadActionCatalog();
  const webhook: Executor = { execute: async () => ({ status: 'succeeded', detail: 'ok' }) };
  const hook = (actions: 'all' | string[]) => ({ url: 'https://ops.example.com/hook', secret: 'sixteen-chars-ok!', actions });

  it('the configuration alone decides: listed actions go to the webhook, the others are manual, and without a webhook all are', () => {
    const some = selectExecutors(hook(['halt-dispatch']), catalog, () => webhook);
    expect([some.kindOf('halt-dispatch'), some.kindOf('rotate-keys')]).toEqual(['webhook', 'manual']);
    expect([some.executorFor('halt-dispatch'), some.executorFor('rotate-keys')]).toEqual([webhook, null]);
    expect(selectExecutors(hook('all'), catalog, () => webhook).kindOf('rotate-keys')).toBe('webhook');
    expect(selectExecutors(undefined, catalog, () => webhook).kindOf('halt-dispatch')).toBe('manual');
  });

  it('an action id the catalog does not know stops start-up, naming it', () => {
    expect(() => selectExecutors(hook(['halt-dispatch', 'halt-dispatchh']), catalog, () => webhook)).toThrow(ConfigError);
    expect(() => selectExecutors(hook(['halt-dispatch', 'halt-dispatchh']), catalog, () => webhook)).toThrow('ACTION_WEBHOOK_ACTIONS: "halt-dispatchh" is not an action of the catalog');
  });

  it('asks the requester to do it by hand, with the parameters', () => {
    expect(manualPrompt(req)).toEqual({
      confirmBy: 'U_SWARM',
      text: '<@U_SWARM>, carry out "Halt dispatch for task types/queues" (tenant: acme; taskType: sync, publish) by hand, then confirm it done or failed, with a note.',
    });
  });

  it('the requester confirms done or failed with a note; anyone else confirms nothing', () => {
    expect(manualOutcome(req, { by: 'U_SWARM', result: 'done', note: ' queue paused ' })).toEqual({ status: 'succeeded', detail: 'Confirmed done by <@U_SWARM>: queue paused' });
    expect(manualOutcome(req, { by: 'U_SWARM', result: 'failed' })).toEqual({ status: 'failed', detail: 'Confirmed failed by <@U_SWARM>' });
    expect(manualOutcome(req, { by: 'U_OTHER', result: 'done' })).toBeNull();
  });
});
