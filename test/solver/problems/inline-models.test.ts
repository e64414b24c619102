/**
 * Models given inline in a job (what the browser sends, since it cannot hand the farm a path):
 * a sweep's `modelText` and a batch's `models`, parsed with the same readers as files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FarmEvent, TaskResult } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { parseBatch, planBatch } from '../../../solver/problems/batch.ts';
import type { SweepSpec } from '../../../solver/problems/sweep.ts';
import { planSweep, sweep } from '../../../solver/problems/sweep.ts';
import { ValidationError } from '../../../solver/problems/validate.ts';

const MODELS = join(import.meta.dirname, '../../../../shared/models');
const HAVE_MODELS = existsSync(join(MODELS, 'reference.json'));
const reference: Record<string, { status: string; objective?: number }> = HAVE_MODELS
  ? JSON.parse(readFileSync(join(MODELS, 'reference.json'), 'utf8')).models
  : {};

const ctx = { source: 'browser-sweep.json', baseDir: '/nonexistent' };
const WYNDOR_LP =
  'Maximize\n z: 3 doors + 5 windows\nSubject To\n plant1: doors <= 4\n plant2: 2 windows <= 12\n plant3: 3 doors + 2 windows <= 18\nEnd\n';

describe('sweep with modelText', () => {
  it('reads the inline LP and sweeps over its names', async () => {
    const spec = sweep.parse(
      {
        kind: 'sweep',
        modelText: { name: 'wyndor.lp', text: WYNDOR_LP },
        grid: [{ name: 'cap3', constraint: 'plant3', bound: 'ub', from: 12, to: 18, step: 2 }],
      },
      ctx,
    ) as SweepSpec;
    expect(spec.count).toBe(4);
    const plan = planSweep(spec);
    expect(plan.type === 'tasks' ? plan.count : -1).toBe(4);
  });

  it('gives a located error naming the model and its line for a bad inline LP', async () => {
    const bad = 'Maximize\n z: 3 x + 5 y\nSubject To\n c1: x + y <=\nEnd\n';
    let err: unknown;
    try {
      sweep.parse({ kind: 'sweep', modelText: { name: 'broken.lp', text: bad }, grid: [] }, ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const message = (err as Error).message;
    expect(message).toMatch(/^browser-sweep\.json: \$\.modelText\.text: /);
    expect(message).toMatch(/broken\.lp:5: expected a right-hand side number/);
    // The model text itself is not echoed into the message.
    expect(message).not.toContain('Subject To');
  });

  it('refuses a name the readers do not know, and a second model source', async () => {
    expect(() =>
      sweep.parse({ kind: 'sweep', modelText: { name: 'model.txt', text: WYNDOR_LP }, grid: [] }, ctx),
    ).toThrow(/\$\.modelText\.name: expected a model file name ending in \.lp/);
    expect(() =>
      sweep.parse({ kind: 'sweep', modelFile: 'x.lp', modelText: { name: 'x.lp', text: WYNDOR_LP }, grid: [] }, ctx),
    ).toThrow(/\$\.modelText: expected only one of "model", "modelFile" or "modelText"/);
  });
});

describe('batch with inline models', () => {
  it('plans one task per model; tasks carry labels, the texts stay in the spec', async () => {
    const spec = await parseBatch(
      {
        kind: 'batch',
        models: [
          { name: 'a.lp', text: WYNDOR_LP },
          { name: 'b.lp', text: WYNDOR_LP },
        ],
      },
      ctx,
    );
    const plan = planBatch(spec);
    expect(plan.count).toBe(2);
    expect([plan.task(0), plan.task(1)]).toEqual(['a.lp', 'b.lp']);
    expect(spec.texts).toEqual([WYNDOR_LP, WYNDOR_LP]);
  });

  it('refuses duplicate names, an empty list, and both files and models', async () => {
    const m = { name: 'a.lp', text: WYNDOR_LP };
    await expect(parseBatch({ kind: 'batch', models: [m, m] }, ctx)).rejects.toThrow(
      /\$\.models\[1\]\.name: expected a name/,
    );
    await expect(parseBatch({ kind: 'batch', models: [] }, ctx)).rejects.toThrow(
      /\$\.models: expected a non-empty array/,
    );
    await expect(parseBatch({ kind: 'batch', files: ['x.lp'], models: [m] }, ctx)).rejects.toThrow(
      /either "files" or "models"/,
    );
  });
});

let farm: Farm | undefined;
afterEach(async () => {
  await farm?.close();
  farm = undefined;
});

async function runOnFarm(job: unknown): Promise<{ state: string; results: TaskResult[] }> {
  const events: FarmEvent[] = [];
  farm = new Farm({ launcher: new NodeLauncher(), cores: 2 });
  const done = new Promise<string>((resolve) => {
    farm?.subscribe((batch) => {
      events.push(...batch);
      for (const e of batch) if (e.type === 'run' && ['done', 'stopped', 'failed'].includes(e.state)) resolve(e.state);
    });
  });
  await farm.start({ job, source: 'browser-batch.json' });
  const state = await done;
  return { state, results: events.flatMap((e) => (e.type === 'results' ? e.results : [])) };
}

describe.skipIf(!HAVE_MODELS)('inline models on the real farm', () => {
  it('solves an inline batch of two reference models to their reference objectives', { timeout: 60_000 }, async () => {
    const names = ['afiro', 'adlittle'];
    const models = names.map((n) => ({ name: `${n}.mps`, text: readFileSync(join(MODELS, 'lp', `${n}.mps`), 'utf8') }));
    const { state, results } = await runOnFarm({ kind: 'batch', models, engine: 'glpk', msglev: 'off' });
    expect(state).toBe('done');
    expect(results.map((r) => r.label).sort()).toEqual(['adlittle.mps', 'afiro.mps']);
    for (const r of results) {
      const ref = reference[r.label.replace(/\.mps$/, '')];
      expect(ref, r.label).toBeDefined();
      expect(r.status, `${r.label}: ${r.error?.message ?? ''}`).toBe(ref?.status);
      const want = ref?.objective as number;
      expect(Math.abs((r.objective as number) - want) / Math.max(1, Math.abs(want)), r.label).toBeLessThanOrEqual(1e-6);
    }
  });

  it('reports a broken inline model of a batch as that task failing, with its name and line', {
    timeout: 60_000,
  }, async () => {
    const { results } = await runOnFarm({
      kind: 'batch',
      models: [
        { name: 'ok.lp', text: WYNDOR_LP },
        { name: 'broken.lp', text: 'Maximize\n z: x\nSubject To\n c: x <=\n' },
      ],
      msglev: 'off',
    });
    const byLabel = new Map(results.map((r) => [r.label, r]));
    expect(byLabel.get('ok.lp')?.status).toBe('optimal');
    expect(byLabel.get('ok.lp')?.objective).toBeCloseTo(36, 9);
    expect(byLabel.get('broken.lp')?.status).toBe('error');
    expect(byLabel.get('broken.lp')?.error?.message).toMatch(/broken\.lp:\d+: /);
  });

  it('runs a sweep over an inline LP', { timeout: 60_000 }, async () => {
    const { state, results } = await runOnFarm({
      kind: 'sweep',
      modelText: { name: 'wyndor.lp', text: WYNDOR_LP },
      grid: [{ name: 'cap3', constraint: 'plant3', bound: 'ub', values: [12, 18] }],
    });
    expect(state).toBe('done');
    const objs = results.sort((a, b) => a.index - b.index).map((r) => r.objective);
    // cap3 = 18 is Wyndor's base case (36); by hand for cap3 = 12:
    // max 3d + 5w, d <= 4, w <= 6, 3d + 2w <= 12 → d = 0, w = 6 → 30.
    expect(objs[0]).toBeCloseTo(30, 9);
    expect(objs[1]).toBeCloseTo(36, 9);
  });
});
