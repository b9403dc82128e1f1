// Manual execution: unconfigured actions are manual, the requester is asked to carry the action out,
// and only the requester's confirmation becomes the outcome.
import { describe, expect, it } from 'vitest';
import { executorKindFor, MANUAL, manualOutcome, manualPrompt } from '../../src/executors/manual.js';

const req = { action: { id: 'halt-dispatch', title: 'Halt dispatch for task types/queues' }, params: { tenant: 'acme', taskType: ['sync', 'publish'] }, requestedBy: 'U_SWARM' };

describe('manual executor', () => {
  it('a webhook action without a configured webhook runs as manual; a configured one as webhook', () => {
    expect(executorKindFor({ executor: 'webhook' }, new Set())).toBe(MANUAL);
    expect(executorKindFor({ executor: 'webhook' }, new Set(['webhook']))).toBe('webhook');
    expect(executorKindFor({ executor: 'manual' }, new Set(['webhook']))).toBe(MANUAL);
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
