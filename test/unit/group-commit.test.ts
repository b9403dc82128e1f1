import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/scheduler/group-commit.js';

/** A write that waits to be let through, and fails any batch holding 'bad'. */
function gatedWrites() {
  const writes: string[][] = [];
  const gates: (() => void)[] = [];
  const write = async (items: string[]) => {
    writes.push(items);
    await new Promise<void>((r) => gates.push(r));
    if (items.includes('bad')) throw new Error(`refused: ${items.join(',')}`);
    return items.map((i) => `${i}:ok`);
  };
  /** Lets the writes so far through, until none is left waiting. */
  const drain = async () => {
    for (let n = 0; n < 100; n++) {
      await new Promise((r) => setImmediate(r));
      const open = gates.splice(0);
      if (open.length === 0) return;
      open.forEach((g) => g());
    }
  };
  return { writes, write, drain };
}

describe('group commit', () => {
  it('writes what is handed in during a write together, in the next write', async () => {
    const w = gatedWrites();
    const commit = new GroupCommit(w.write);
    const first = commit.add('a');
    const rest = ['b', 'c', 'd'].map((i) => commit.add(i));
    await w.drain();
    expect(await Promise.all([first, ...rest])).toEqual(['a:ok', 'b:ok', 'c:ok', 'd:ok']);
    expect(w.writes).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('fails only the item whose write fails: the others of its write are written again alone', async () => {
    const w = gatedWrites();
    const commit = new GroupCommit(w.write);
    const first = commit.add('a');
    const settled = Promise.allSettled([first, ...['b', 'bad', 'c'].map((i) => commit.add(i))]);
    await w.drain();
    expect(await settled).toMatchObject([
      { status: 'fulfilled', value: 'a:ok' },
      { status: 'fulfilled', value: 'b:ok' },
      { status: 'rejected', reason: { message: 'refused: bad' } },
      { status: 'fulfilled', value: 'c:ok' },
    ]);
    expect(w.writes).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });
});
