import { describe, expect, it } from 'vitest';
import { hash64, specHash, taskIdHasher } from '../../../solver/farm/task-id.ts';

describe('task ids', () => {
  it('are 16 hex digits, stable across hasher instances (and so across runs)', () => {
    const a = taskIdHasher('sweep', { model: 'wyndor', grid: [1, 2] });
    const b = taskIdHasher('sweep', { model: 'wyndor', grid: [1, 2] });
    expect(a([500])).toMatch(/^[0-9a-f]{16}$/);
    expect(a([500])).toBe(b([500]));
  });

  it('depend on the kind, the spec and the task parameters', () => {
    const base = taskIdHasher('sweep', { m: 1 })([500]);
    expect(taskIdHasher('tsp', { m: 1 })([500])).not.toBe(base);
    expect(taskIdHasher('sweep', { m: 2 })([500])).not.toBe(base);
    expect(taskIdHasher('sweep', { m: 1 })([501])).not.toBe(base);
  });

  it('do not collide over 200k consecutive sweep points', () => {
    const id = taskIdHasher('sweep', { m: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(id([100 + i * 0.01, i % 7]));
    expect(seen.size).toBe(200_000);
  });

  it('hash numbers by value: a number and a one-element array differ, -0 is 0', () => {
    const id = taskIdHasher('sweep', { m: 1 });
    expect(id(5)).not.toBe(id([5]));
    expect(id([-0])).toBe(id([0]));
    expect(id([1, 2])).not.toBe(id([2, 1]));
    expect(id([0.1 + 0.2])).not.toBe(id([0.3]));
    expect(id({ P: 5 })).toMatch(/^[0-9a-f]{16}$/);
    expect(id({ P: 5 })).not.toBe(id([5]));
  });

  it('hash64 pads to 16 digits and specHash is sha1 hex', () => {
    expect(hash64('', 0, 0)).toHaveLength(16);
    expect(specHash('k', {})).toMatch(/^[0-9a-f]{40}$/);
  });
});
