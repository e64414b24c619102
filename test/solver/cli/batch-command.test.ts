import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchCommand, batchJob } from '../../../solver/cli/batch-command.ts';

const MODELS = join(import.meta.dirname, '../../../../shared/models');
const out = mkdtempSync(join(tmpdir(), 'batch-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function capture() {
  const o: string[] = [];
  const e: string[] = [];
  return { io: { stdout: { write: (t: string) => o.push(t) }, stderr: { write: (t: string) => e.push(t) } }, o, e };
}

describe('solver-farm run --batch', () => {
  it('builds the batch job from the command line', () => {
    expect(batchJob(['a.mps', 'models/'], { engine: 'highs', timeLimit: 5 })).toEqual({
      kind: 'batch',
      files: ['a.mps', 'models/'],
      engine: 'highs',
      timeLimitSec: 5,
    });
  });

  it.skipIf(!existsSync(MODELS))(
    'runs the LP folder on the farm and writes the results',
    { timeout: 120_000 },
    async () => {
      const c = capture();
      const code = await batchCommand(
        ['lp', 'infeasible'],
        { engine: 'highs', cores: 2, out: join(out, 'run1') },
        c.io,
        MODELS,
      );
      expect(code, c.e.join('')).toBe(0);
      const lines = readFileSync(join(out, 'run1', 'results.jsonl'), 'utf8')
        .trim()
        .split('\n');
      const results = lines.map((l) => JSON.parse(l)).filter((r) => typeof r.label === 'string');
      expect(results.map((r) => r.label).sort()).toContain('lp/afiro.mps');
      const afiro = results.find((r) => r.label === 'lp/afiro.mps');
      expect(afiro.status).toBe('optimal');
      expect(results.find((r) => r.label === 'infeasible/galenet.mps').status).toBe('infeasible');
      // The CSV names the engine of every row (batch results carry it).
      const csv = readFileSync(join(out, 'run1', 'results.csv'), 'utf8').split('\r\n');
      const header = (csv[0] ?? '').split(',');
      const engineAt = header.indexOf('engine');
      expect(engineAt).toBeGreaterThan(0);
      const afiroRow = csv.find((row) => row.includes('lp/afiro.mps'))?.split(',');
      expect(afiroRow?.[engineAt]).toBe('highs');
    },
  );

  it('names the argument a bad path came from', async () => {
    await expect(
      batchCommand(['no-such-folder'], { cores: 1, out: join(out, 'run2') }, capture().io, out),
    ).rejects.toThrow(/--batch no-such-folder: expected an existing file or folder/);
  });
});
