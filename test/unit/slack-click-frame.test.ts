// The frame of every Slack button: a click that changes something is saved before it is acked. Slack
// never sends an acked click again, so a process that acked first and died before its commit would
// lose the click for good. Buttons that only open a form ack first, as Slack's 3 s allow.
import { describe, expect, it } from 'vitest';
import type { SlackDeps } from '../../src/surfaces/slack/context.js';
import { click, type ClickArgs } from '../../src/surfaces/slack/listeners/actions/click.js';
import { createLogger } from '../../src/log.js';
import { DomainError, ErrorCode } from '../../src/core/errors.js';

const INCIDENT = '6f1c1d2e-0000-4000-8000-000000000001';

function harness() {
  const order: string[] = [];
  const ws = async () => ({ id: 'w1', platform: 'slack', externalId: 'T1' });
  const deps = { app: { workspace: ws, knownWorkspace: ws }, log: createLogger('silent') } as unknown as SlackDeps;
  const args = {
    ack: async () => void order.push('ack'),
    body: { user: { id: 'UIC' }, channel: { id: 'CINC1' }, team: { id: 'T1' } },
    action: { action_id: 'take_role:ops', action_ts: '1800000000.000001', value: INCIDENT },
    client: { chat: { postEphemeral: async () => void order.push('told') } },
  } as unknown as ClickArgs;
  return { order, deps, args };
}

describe('a button click', () => {
  it('is acked only once its intent has returned (its change committed), and the room talk runs after the ack', async () => {
    const { order, deps, args } = harness();
    await click(deps, 'incident', async () => {
      order.push('saved');
      return { after: async () => void order.push('talk') };
    })(args);
    expect(order).toEqual(['saved', 'ack', 'talk']);
  });

  it('is acked once, before the refusal is told, when the intent refuses', async () => {
    const { order, deps, args } = harness();
    await click(deps, 'incident', async () => {
      order.push('refused');
      throw new DomainError(ErrorCode.NotAllowed, 'Only the IC may do that.');
    })(args);
    expect(order).toEqual(['refused', 'ack', 'told']);
  });

  it('acked too late (Slack answered the request already) keeps its change, tells no error, and still runs its room talk', async () => {
    const { order, deps, args } = harness();
    const late = { ...args, ack: async () => Promise.reject(new Error('Cannot write headers after they are sent to the client')) } as unknown as ClickArgs;
    await click(deps, 'incident', async () => {
      order.push('saved');
      return { after: async () => void order.push('talk') };
    })(late);
    expect(order).toEqual(['saved', 'talk']);
  });

  it('that only opens a form is acked before the form is opened', async () => {
    const { order, deps, args } = harness();
    await click(deps, 'action', async () => void order.push('form opened'), { ackFirst: true })({ ...args, action: { ...args.action, value: 'pause-auto-activation' } } as ClickArgs);
    expect(order).toEqual(['ack', 'form opened']);
  });
});
