// Slack's side of a request: each delivery goes to one live process, picked at random. When its
// answer is lost (the connection breaks, 3 s pass, a 5xx comes back) Slack sends the same payload
// again with X-Slack-Retry-Num, up to 3 times. A change counts as acked only when a 200 came back.
import { postSigned } from '../support/slack-requests.js';
import type { Fleet, Random } from './harness.js';

/** Slack's ack deadline. */
const ACK_MS = 3_000;
const RETRIES = 3;

/** `refused`: acked with the form's errors, so nothing was to change. */
export type Delivered = { acked: boolean; refused: boolean; attempts: number; body: string };

export class Deliveries {
  sent = 0;
  retried = 0;
  unacked = 0;

  constructor(
    private readonly fleet: Fleet,
    private readonly random: Random,
  ) {}

  async send(payload: string): Promise<Delivered> {
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt > 0) {
        this.retried++;
        await sleep(200 + this.random.int(800));
      }
      const url = await this.anyLive();
      this.sent++;
      try {
        const res = await postSigned(url, payload, { ...(attempt > 0 ? { retryNum: attempt } : {}), signal: AbortSignal.timeout(ACK_MS) });
        if (res.status === 200) return { acked: true, refused: res.body.includes('"response_action":"errors"'), attempts: attempt + 1, body: res.body };
      } catch {
        // lost: the process died, or it did not answer in time
      }
    }
    this.unacked++;
    return { acked: false, refused: false, attempts: RETRIES + 1, body: '' };
  }

  private async anyLive(): Promise<string> {
    for (;;) {
      const live = this.fleet.live();
      if (live.length > 0) return this.random.pick(live);
      await sleep(100);
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
