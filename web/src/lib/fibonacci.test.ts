import { describe, expect, it } from 'vitest';
import type { TenantAgent } from '../api/types';
import { groupBySubnucleus, healthOf } from './fibonacci';

const agent = (
  id: string,
  subnucleus: string | undefined,
  status: string,
  total: number,
  rate: number,
): TenantAgent => ({
  id,
  name: id,
  subnucleus,
  status,
  usage_last_30_days: { total_requests: total, success_rate: rate },
});

describe('groupBySubnucleus', () => {
  it('always lists the five subnuclei in order, adding "other" only when needed', () => {
    expect(groupBySubnucleus([]).map((g) => g.id)).toEqual(['nigredo', 'hermes', 'sophia', 'atlas', 'oracle']);
    const groups = groupBySubnucleus([agent('a', 'Hermes', 'active', 10, 1), agent('b', undefined, 'active', 5, 1)]);
    expect(groups.map((g) => g.id)).toEqual(['nigredo', 'hermes', 'sophia', 'atlas', 'oracle', 'other']);
    expect(groups[1].agents.map((a) => a.id)).toEqual(['a']);
  });

  it('sums requests and weights the success rate by requests', () => {
    const [, , sophia] = groupBySubnucleus([
      agent('a', 'sophia', 'active', 300, 90),
      agent('b', 'sophia', 'active', 100, 100),
    ]);
    expect(sophia.totalRequests).toBe(400);
    expect(sophia.successRate).toBeCloseTo(92.5);
    expect(sophia.activeAgents).toBe(2);
    expect(sophia.health).toBe('degraded');
  });

  it('takes rates as percentages: 0.5 % is critical, not 50 % nor 0.5 read as a fraction', () => {
    const [nigredo] = groupBySubnucleus([
      agent('a', 'nigredo', 'active', 200, 0.5),
      agent('b', 'nigredo', 'active', 200, 1),
    ]);
    expect(nigredo.successRate).toBeCloseTo(0.75);
    expect(nigredo.health).toBe('critical');
    const [, hermes] = groupBySubnucleus([agent('c', 'hermes', 'active', 200, 99.5)]);
    expect(hermes.successRate).toBeCloseTo(99.5);
    expect(hermes.health).toBe('healthy');
  });
});

describe('healthOf', () => {
  it('grades groups', () => {
    expect(healthOf(0, 0, null)).toBe('idle');
    expect(healthOf(0, 2, null)).toBe('idle');
    expect(healthOf(2, 2, 99)).toBe('healthy');
    expect(healthOf(2, 2, null)).toBe('healthy');
    expect(healthOf(1, 2, 99)).toBe('degraded');
    expect(healthOf(2, 2, 90)).toBe('degraded');
    expect(healthOf(2, 2, 50)).toBe('critical');
  });
});
