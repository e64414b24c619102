/**
 * What the real CLI says about hostile model paths (issue 11, items 7 and 8): a gzip bomb,
 * a symlink to /dev/zero and a FIFO are refused in one line naming the file, with no stack
 * trace, by `solve`, by a batch task (its result's error) and by a sweep's `modelFile`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../../solver/api.ts';
import { MAX_MODEL_MB_ENV } from '../../../solver/formats/read-file.ts';
import { killAll, runCli } from './run-cli.ts';

let dir: string;
const LIMIT = `set ${MAX_MODEL_MB_ENV} to raise it`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-cli-'));
  writeFileSync(join(dir, 'ok.lp'), 'Maximize\n z: 3 x + 5 y\nSubject To\n p1: x <= 4\n p2: y <= 6\nEnd\n');
  symlinkSync('/dev/zero', join(dir, 'zero.lp'));
  execFileSync('mkfifo', [join(dir, 'pipe.mps')]);
  // 4 MiB of zeros in a 4 KB gzip file: past a 1 MiB limit.
  writeFileSync(join(dir, 'bomb.mps.gz'), gzipSync(Buffer.alloc(4 * 1024 * 1024), { level: 9 }));
  // The CLI and its solver processes inherit the limit.
  process.env[MAX_MODEL_MB_ENV] = '1';
});
afterEach(() => killAll());
afterAll(() => {
  delete process.env[MAX_MODEL_MB_ENV];
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile model paths through the CLI', () => {
  it.each([
    ['zero.lp', 'zero.lp: not a regular file (a character device)'],
    ['pipe.mps', 'pipe.mps: not a regular file (a FIFO)'],
    ['bomb.mps.gz', `bomb.mps.gz: inflates to more than 1 MiB, the limit on a model file (${LIMIT})`],
  ])('solve %s: one line, exit 2', async (file, message) => {
    const r = await runCli(['solve', file], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`solver-farm: ${message}\n`);
  });

  it.each([
    ['/dev/zero', '/dev/zero: not a regular file (a character device)'],
    ['job-pipe.json', 'job-pipe.json: not a regular file (a FIFO)'],
  ])('run %s as the job file: one line at once, exit 2', async (file, message) => {
    if (!existsSync(join(dir, 'job-pipe.json'))) execFileSync('mkfifo', [join(dir, 'job-pipe.json')]);
    const r = await runCli(['run', file, '--out', join(dir, 'never')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`solver-farm: ${message}\n`);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('run --batch: each hostile file is a failed task with the reason, the good one is solved', async () => {
    const out = join(dir, 'batch-out');
    const r = await runCli(
      ['run', '--batch', 'ok.lp', 'zero.lp', 'pipe.mps', 'bomb.mps.gz', '--cores', '2', '--out', out],
      dir,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const results = readFileSync(join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TaskResult);
    const byLabel = new Map(results.map((x) => [x.label, x]));
    expect(byLabel.get('ok.lp')?.status).toBe('optimal');
    expect(byLabel.get('zero.lp')?.error?.message).toBe('zero.lp: not a regular file (a character device)');
    expect(byLabel.get('pipe.mps')?.error?.message).toBe('pipe.mps: not a regular file (a FIFO)');
    expect(byLabel.get('bomb.mps.gz')?.error).toEqual({
      name: 'FormatError',
      message: `bomb.mps.gz: inflates to more than 1 MiB, the limit on a model file (${LIMIT})`,
    });
  });

  it('a sweep whose modelFile is a FIFO: a located job error, exit 2, no run folder', async () => {
    const job = join(dir, 'sweep.json');
    writeFileSync(
      job,
      JSON.stringify({ kind: 'sweep', modelFile: 'pipe.mps', grid: [{ objective: 'x', values: [1, 2] }] }),
    );
    const out = join(dir, 'sweep-out');
    const r = await runCli(['run', 'sweep.json', '--out', out], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^solver-farm: sweep\.json: \$\.modelFile: expected a readable CPLEX LP or MPS model file/,
    );
    expect(r.stderr).toContain('pipe.mps: not a regular file (a FIFO)');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});
