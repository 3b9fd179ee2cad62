import { describe, expect, it } from 'vitest';
import { lineDatasets } from './Charts';

type Scriptable<A, R> = (ctx: A) => R;

describe('lineDatasets', () => {
  const series = [
    { label: 'Total', data: [10, 12, 3] },
    { label: 'Com falha', data: [1, 2, 0], color: '#c45100', axis: 'y1' as const },
  ];

  it('puts a series marked y1 on its own axis, drawn under the others', () => {
    const [total, failed] = lineDatasets(series, 3, null);
    expect(total.yAxisID).toBe('y');
    expect(failed.yAxisID).toBe('y1');
    expect(failed.order).toBeGreaterThan(total.order);
  });

  it('draws the segment into today (partial) dashed and faded, and only that one', () => {
    const [total] = lineDatasets(series, 3, 2);
    const dash = total.segment.borderDash as Scriptable<{ p1DataIndex: number }, number[] | undefined>;
    const colour = total.segment.borderColor as Scriptable<{ p1DataIndex: number }, string | undefined>;
    expect(dash({ p1DataIndex: 1 })).toBeUndefined();
    expect(dash({ p1DataIndex: 2 })).toEqual([6, 4]);
    expect(colour({ p1DataIndex: 1 })).toBeUndefined();
    expect(colour({ p1DataIndex: 2 })).toBe('#0b63b58c');
    expect(total.pointBackgroundColor({ dataIndex: 2 })).toBe('#ffffff');
    expect(total.pointBackgroundColor({ dataIndex: 1 })).toBe('#0b63b5');
  });

  it('draws every segment solid without a partial day', () => {
    const [total] = lineDatasets(series, 3, null);
    const dash = total.segment.borderDash as Scriptable<{ p1DataIndex: number }, number[] | undefined>;
    expect([0, 1, 2].map((i) => dash({ p1DataIndex: i }))).toEqual([undefined, undefined, undefined]);
  });
});
