/**
 * The jobs the model panel builds are the ones the real job kinds accept: a sweep built from
 * the form parses with the sweep kind to the count the form predicts, a batch parses with the
 * batch kind, and form mistakes are reported in plain words before the farm is asked.
 */
import { describe, expect, it } from 'vitest';
import { type AxisDraft, buildBatch, buildSweep, localCount, parseList } from '../../renderer/src/state/model-job.ts';
import type { ModelFile } from '../../solver/api.ts';
import { parseBatch, planBatch } from '../../solver/problems/batch.ts';
import type { SweepSpec } from '../../solver/problems/sweep.ts';
import { sweep } from '../../solver/problems/sweep.ts';

const WYNDOR: ModelFile = {
  name: 'wyndor.lp',
  text: 'Maximize\n z: 3 doors + 5 windows\nSubject To\n plant1: doors <= 4\n plant2: 2 windows <= 12\n plant3: 3 doors + 2 windows <= 18\nEnd\n',
};
const ctx = { source: 'panel', baseDir: '/nonexistent' };
const settings = { engine: 'glpk' as const, timeLimit: '' };

function axis(patch: Partial<AxisDraft>): AxisDraft {
  return {
    key: 1,
    kind: 'objective',
    target: 'windows',
    bound: 'ub',
    mode: 'range',
    from: '1',
    to: '5',
    step: '1',
    values: '',
    ...patch,
  };
}

describe('sweep built by the model panel', () => {
  it('parses with the sweep kind to the count the form predicts', async () => {
    const axes = [
      axis({ key: 1, kind: 'objective', target: 'windows', from: '100', to: '1000', step: '100' }),
      axis({ key: 2, kind: 'constraint', target: 'plant3', bound: 'ub', mode: 'list', values: '12, 18 24' }),
      axis({ key: 3, kind: 'variable', target: 'doors', bound: 'lb', mode: 'list', values: '0;1' }),
    ];
    const built = buildSweep(WYNDOR, axes, { engine: 'highs', timeLimit: '5' });
    if (!built.ok) throw new Error(built.error);
    expect(localCount(axes)).toBe(10 * 3 * 2);
    const spec = sweep.parse(built.job, { ...ctx, source: built.source }) as SweepSpec;
    expect(spec.count).toBe(60);
    expect(spec.engine).toBe('highs');
    expect(spec.options.tmlim).toBe(5);
  });

  it('sends a glpk.js JSON model as the job model', async () => {
    const lp = {
      name: 'tiny',
      objective: { direction: 2, name: 'z', vars: [{ name: 'x', coef: 1 }] },
      subjectTo: [{ name: 'c', vars: [{ name: 'x', coef: 1 }], bnds: { type: 3, ub: 4, lb: 0 } }],
    };
    const built = buildSweep({ name: 'tiny.json', text: JSON.stringify(lp) }, [axis({ target: 'x' })], settings);
    if (!built.ok) throw new Error(built.error);
    expect(built.job.model).toEqual(lp);
    expect((sweep.parse(built.job, ctx) as SweepSpec).count).toBe(5);
  });

  it('says in plain words what is wrong with an axis', async () => {
    const err = (a: Partial<AxisDraft>) => {
      const b = buildSweep(WYNDOR, [axis(a)], settings);
      return b.ok ? '' : b.error;
    };
    expect(err({ from: 'abc' })).toBe('Axis 1: "from" must be a number.');
    expect(err({ step: '0' })).toBe('Axis 1: "step" must be a number greater than 0.');
    expect(err({ from: '5', to: '1' })).toBe('Axis 1: "to" (1) is below "from" (5); swap them.');
    expect(err({ mode: 'list', values: '1, two' })).toBe('Axis 1: "two" in the list of values is not a number.');
    expect(err({ mode: 'list', values: ' ' })).toMatch(/at least one value/);
    expect(err({ target: '' })).toBe('Axis 1: choose a variable.');
    expect(buildSweep(WYNDOR, [], { engine: 'glpk', timeLimit: '-1' })).toEqual({
      ok: false,
      error: 'The time limit must be a number of seconds greater than 0, or empty for none.',
    });
    expect(parseList('1 2,3')).toEqual({ values: [1, 2, 3] });
  });

  it('solves a model with no axes once, as a batch of one', async () => {
    const built = buildSweep(WYNDOR, [], settings);
    if (!built.ok) throw new Error(built.error);
    expect(built.job).toMatchObject({ kind: 'batch', models: [WYNDOR] });
    expect(planBatch(await parseBatch(built.job, ctx)).count).toBe(1);
    expect(buildSweep({ name: 'm.json', text: '{}' }, [], settings)).toEqual({
      ok: false,
      error: 'Add an axis to sweep this model.',
    });
  });
});

describe('batch built by the model panel', () => {
  it('parses with the batch kind, one task per model', async () => {
    const models = [WYNDOR, { ...WYNDOR, name: 'sub/other.lp' }];
    const built = buildBatch(models, { engine: 'auto', timeLimit: '2.5' }, '2 models');
    if (!built.ok) throw new Error(built.error);
    const spec = await parseBatch(built.job, ctx);
    expect(planBatch(spec).count).toBe(2);
    expect(spec.labels).toEqual(['wyndor.lp', 'sub/other.lp']);
    expect(spec.timeLimitSec).toBe(2.5);
    expect(spec.engine).toBe('auto');
  });

  it('refuses a glpk.js JSON model in a batch, saying what to do', async () => {
    const built = buildBatch([WYNDOR, { name: 'm.json', text: '{}' }], settings, 'x');
    expect(built.ok).toBe(false);
    expect(built.ok ? '' : built.error).toMatch(/m\.json is a glpk\.js JSON model: .*Open it on its own/);
  });
});
