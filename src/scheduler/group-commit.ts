// Group commit: what is handed in while a write is in flight goes in the next write, together. Jobs
// of a batch finish their posts at different times; each waits for at most one write in flight, and
// a batch of a hundred costs a few writes instead of a hundred.
type Waiting<T, R> = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };

export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private writing = false;

  /** `write` answers for each item, in order. */
  constructor(private readonly write: (items: T[]) => Promise<R[]>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        const out = await this.write(batch.map((w) => w.item));
        batch.forEach((w, n) => w.resolve(out[n]!));
      } catch (e) {
        if (batch.length === 1) batch[0]!.reject(e);
        // One item's failure must not be the others': each is written again alone. (`write` must be
        // safe to repeat: a failed write may still have committed.)
        else for (const w of batch) await this.write([w.item]).then(([r]) => w.resolve(r!), w.reject);
      }
    }
    this.writing = false;
  }
}
