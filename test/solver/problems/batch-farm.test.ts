/**
 * The whole ../shared/models folder as one batch job through the real farm (Farm +
 * NodeLauncher: real solver processes), once per engine, checked against reference.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FarmEvent, TaskResult } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';

const MODELS = join(import.meta.dirname, '../../../../shared/models');
const HAVE_MODELS = existsSync(join(MODELS, 'reference.json'));
const reference: Record<string, { status: string; objective?: number; class: string }> = HAVE_MODELS
  ? JSON.parse(readFileSync(join(MODELS, 'reference.json'), 'utf8')).models
  : {};

let farm: Farm | undefined;
afterEach(async () => {
  await farm?.close();
  farm = undefined;
});

async function runBatch(engine: string): Promise<{ results: TaskResult[]; state: string; logs: string[] }> {
  const events: FarmEvent[] = [];
  farm = new Farm({ launcher: new NodeLauncher(), cores: 2 });
  farm.subscribe((batch) => events.push(...batch));
  const done = new Promise<string>((resolve) => {
    farm?.subscribe((batch) => {
      for (const e of batch) if (e.type === 'run' && ['done', 'stopped', 'failed'].includes(e.state)) resolve(e.state);
    });
  });
  const info = await farm.start({
    job: { kind: 'batch', files: ['.'], engine, timeLimitSec: 10 },
    source: join(MODELS, 'batch-job.json'),
  });
  expect(info.total).toBe(Object.keys(reference).length);
  const state = await done;
  return {
    results: events.flatMap((e) => (e.type === 'results' ? e.results : [])),
    state,
    logs: events.flatMap((e) => (e.type === 'log' ? e.lines : [])),
  };
}

describe.skipIf(!HAVE_MODELS).each(['glpk', 'highs', 'auto'])(
  'batch of the reference models on the farm with %s',
  (engine) => {
    it('gives every status and objective of reference.json', { timeout: 120_000 }, async () => {
      const { results, state, logs } = await runBatch(engine);
      expect(state).toBe('done');
      expect(results.map((r) => r.label).sort()).toEqual(
        Object.entries(reference)
          .map(([name, ref]) => `${ref.class}/${name}.mps`)
          .sort(),
      );
      for (const r of results) {
        const name = r.label.replace(/^.*\/|\.mps$/g, '');
        const ref = reference[name];
        if (!ref) throw new Error(`no reference for ${r.label}`);
        if (engine !== 'auto') expect(r.engine, r.label).toBe(engine);
        if (r.status === 'time-limit') {
          // glpk cannot prove p0548 in 10 s: it must say so and carry an incumbent no better than the optimum.
          expect(ref.class, r.label).toBe('mip');
          expect(r.objective, r.label).not.toBeNull();
          expect(r.objective as number).toBeGreaterThanOrEqual((ref.objective as number) * (1 - 1e-6));
          continue;
        }
        expect(r.status, `${r.label}: ${r.error?.message ?? ''}`).toBe(ref.status);
        if (ref.objective === undefined) expect(r.objective, r.label).toBeNull();
        else {
          const err = Math.abs((r.objective as number) - ref.objective) / Math.max(1, Math.abs(ref.objective));
          expect(err, r.label).toBeLessThanOrEqual(1e-6);
        }
      }
      // Each core's log carries the engine's own output and our per-file lines.
      expect(logs.some((l) => /lp\/afiro\.mps: optimal objective -464\.75/.test(l))).toBe(true);
    });
  },
);
