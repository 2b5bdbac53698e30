import { describe, expect, it } from 'vitest';
import { parseShard, selectShard, shardRange, shardTag } from './shard';

describe('shards', () => {
  it('parses i/n and refuses anything else, saying why', () => {
    expect(parseShard('3/16')).toEqual({ index: 3, count: 16 });
    expect(parseShard(' 16 / 16 ')).toEqual({ index: 16, count: 16 });
    for (const bad of ['17/16', '1/0', '-1/4', '1.5/4', '3', '3/16/2', 'a/b', '']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/n with 1 ≤ i ≤ n/);
    expect(() => parseShard('0/16')).toThrow(/JOB_COMPLETION_INDEX counts from 0: pass \$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/n/);
  });

  it('splits any number of items into n contiguous blocks that cover each item exactly once', () => {
    for (const total of [0, 1, 2, 7, 16, 17, 100, 118_287]) {
      for (const count of [1, 2, 3, 16, 17, 1000]) {
        let next = 0;
        const sizes: number[] = [];
        for (let index = 1; index <= count; index++) {
          const { start, end } = shardRange(total, { index, count });
          expect(start).toBe(next); // contiguous, in order, no gap and no overlap
          next = end;
          sizes.push(end - start);
        }
        expect(next).toBe(total);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1); // balanced
      }
    }
  });

  it('selects the block in the given order, or everything without a shard', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect([1, 2, 3].map((index) => selectShard(ids, { index, count: 3 }))).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f', 'g']]);
    expect(selectShard(ids, null)).toEqual(ids);
    expect(selectShard(ids, { index: 1, count: 10 })).toEqual([]); // more shards than items: some are empty
  });

  it('names a shard so that a folder lists them in order', () => {
    expect(shardTag({ index: 3, count: 16 })).toBe('shard-03-of-16');
    expect(shardTag({ index: 1, count: 1 })).toBe('shard-1-of-1');
    const tags = Array.from({ length: 12 }, (_, i) => shardTag({ index: i + 1, count: 12 }));
    expect([...tags].sort()).toEqual(tags);
  });
});
