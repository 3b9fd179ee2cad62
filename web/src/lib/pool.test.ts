import { describe, expect, it } from 'vitest';
import { mapLimit } from './pool';

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and the results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const progress: number[] = [];
    const res = await mapLimit(
      [5, 1, 4, 2, 3, 0],
      3,
      async (ms, i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, ms));
        inFlight--;
        if (i === 2) throw new Error('nope');
        return ms * 10;
      },
      (done) => progress.push(done),
    );
    expect(peak).toBe(3);
    expect(res.map((r) => (r.ok ? r.value : 'x'))).toEqual([50, 10, 'x', 20, 30, 0]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops starting new work when cancelled', async () => {
    let started = 0;
    let cancelled = false;
    await mapLimit(
      [1, 2, 3, 4],
      1,
      async () => {
        started++;
        cancelled = true;
      },
      undefined,
      () => cancelled,
    );
    expect(started).toBe(1);
  });

  it('handles an empty list', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
  });
});
