import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, specHash, TaskIdFactory, taskId } from '../../../solver/journal/task-id.ts';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('writes non-finite numbers as null and refuses cycles', () => {
    expect(canonicalJson([Number.NaN, Number.POSITIVE_INFINITY, 1.5])).toBe('[null,null,1.5]');
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/cycle/);
  });

  it('writes absolute paths inside baseDir relative to it', () => {
    const base = path.resolve('/data/jobs');
    expect(canonicalJson({ f: path.join(base, 'tsp', 'a.tsp'), g: '/elsewhere/x' }, { baseDir: base })).toBe(
      `{"f":"./tsp/a.tsp","g":"/elsewhere/x"}`,
    );
  });
});

describe('task ids', () => {
  const spec = { model: { name: 'wyndor', vars: ['doors', 'windows'] }, grid: [{ name: 'P', from: 100, to: 1000 }] };

  it('is the same for equal inputs whatever the key order, and 20 hex digits', () => {
    const h1 = specHash(spec);
    const h2 = specHash({
      grid: [{ to: 1000, from: 100, name: 'P' }],
      model: { vars: ['doors', 'windows'], name: 'wyndor' },
    });
    expect(h1).toBe(h2);
    const f = new TaskIdFactory('sweep', h1);
    expect(f.id({ P: 500, cap: 18 })).toBe(f.id({ cap: 18, P: 500 }));
    expect(f.id(3)).toMatch(/^[0-9a-f]{20}$/);
    expect(f.id(3)).toBe(taskId('sweep', h1, 3));
  });

  it('differs when the kind, the spec or the parameters differ', () => {
    const h = specHash(spec);
    const ids = new Set([
      taskId('sweep', h, { P: 500 }),
      taskId('batch', h, { P: 500 }),
      taskId('sweep', specHash({ ...spec, extra: 1 }), { P: 500 }),
      taskId('sweep', h, { P: 501 }),
      taskId('sweep', h, 500),
      taskId('sweep', h, '500'),
    ]);
    expect(ids.size).toBe(6);
  });

  it('gives the same ids for a job whose folder moved (resolved paths hash relative to baseDir)', () => {
    const parse = (baseDir: string) => ({ instance: path.join(baseDir, 'berlin52.tsp'), steps: 10 });
    const a = specHash(parse('/home/ana/jobs'), { baseDir: '/home/ana/jobs' });
    const b = specHash(parse('/mnt/archive/2026/jobs'), { baseDir: '/mnt/archive/2026/jobs' });
    expect(a).toBe(b);
    expect(taskId('tsp', a, 0)).toBe(taskId('tsp', b, 0));
  });

  it('has no collisions over 200,000 sweep points', () => {
    const f = new TaskIdFactory('sweep', specHash(spec));
    const ids = new Set<string>();
    for (let i = 0; i < 200_000; i++) ids.add(f.id({ P: i % 1000, cap: Math.floor(i / 1000) }));
    expect(ids.size).toBe(200_000);
  });
});
