/**
 * Model paths that are not what they claim (issue 11, items 7 and 8): a gzip bomb, a symlink
 * to /dev/zero, a FIFO, a folder named x.lp, a file over the size limit. Each is refused at
 * once with a FormatError naming the file, whatever reads it: readModelFile (a sweep's
 * modelFile, `solver-farm solve`, a batch task in its solver process) and the TSPLIB reader.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../../solver/formats/format-error.ts';
import { DEFAULT_MAX_MODEL_MB, MAX_MODEL_MB_ENV, modelSizeLimit } from '../../../solver/formats/read-file.ts';
import { readModelFile } from '../../../solver/formats/read-model.ts';
import { parseTsp } from '../../../solver/problems/tsp.ts';
import { readTsplib } from '../../../solver/problems/tsplib.ts';

const dir = mkdtempSync(join(tmpdir(), 'hostile-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;
const WYNDOR = 'Maximize\n z: 3 doors + 5 windows\nSubject To\n p1: doors <= 4\nEnd\n';

/** Runs `read` and returns the error it throws, failing when it takes longer than `ms`. */
function refusal(read: () => unknown, ms = 2000): Error {
  const t0 = performance.now();
  let caught: unknown = null;
  try {
    read();
  } catch (err) {
    caught = err;
  }
  expect(performance.now() - t0).toBeLessThan(ms);
  expect(caught).toBeInstanceOf(Error);
  return caught as Error;
}

/** A gzip file of `members` concatenated members, each `zerosMiB` MiB of zeros (as gzip -d reads them). */
function zeroBomb(file: string, zerosMiB: number, members: number): number {
  const member = gzipSync(Buffer.alloc(zerosMiB * MiB), { level: 9 });
  writeFileSync(file, Buffer.concat(Array.from({ length: members }, () => member)));
  return member.length * members;
}

describe('model files that are not regular files', () => {
  it('refuses a symlink to /dev/zero at once', () => {
    const file = join(dir, 'zero.lp');
    symlinkSync('/dev/zero', file);
    const err = refusal(() => readModelFile(file, { label: 'zero.lp' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('zero.lp: not a regular file (a character device)');
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const file = join(dir, 'pipe.mps');
    execFileSync('mkfifo', [file]);
    const err = refusal(() => readModelFile(file, { label: 'pipe.mps' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('pipe.mps: not a regular file (a FIFO)');
  });

  it('refuses a folder named x.lp', () => {
    const file = join(dir, 'x.lp');
    mkdirSync(file);
    const err = refusal(() => readModelFile(file, { label: 'x.lp' }));
    expect(err.message).toBe('x.lp: not a regular file (a folder)');
  });

  it('still reads a symlink to a regular model file', () => {
    const real = join(dir, 'real.lp');
    writeFileSync(real, WYNDOR);
    symlinkSync(real, join(dir, 'link.lp'));
    expect(readModelFile(join(dir, 'link.lp')).variables.map((v) => v.name)).toEqual(['doors', 'windows']);
  });

  it('refuses the same for a TSPLIB instance, naming the file', () => {
    const file = join(dir, 'zero.tsp');
    symlinkSync('/dev/zero', file);
    const err = refusal(() => readTsplib(file, 'zero.tsp'));
    expect(err.message).toBe('zero.tsp: not a regular file (a character device)');
    const fifo = join(dir, 'pipe.tsp');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(() => readTsplib(fifo, 'pipe.tsp')).message).toBe('pipe.tsp: not a regular file (a FIFO)');
    // A tsp job naming it: a located job error at its field.
    const err2 = refusal(() => parseTsp({ kind: 'tsp', instance: 'pipe.tsp' }, { source: 'tsp.json', baseDir: dir }));
    expect(err2.message).toBe(
      `tsp.json: $.instance: expected a readable TSPLIB file (looked for ${fifo}: not a regular file (a FIFO)), got "pipe.tsp"`,
    );
  });
});

describe('model size limits', () => {
  it('defaults to 512 MiB, the most a JavaScript string (what the readers parse) can hold', () => {
    expect(DEFAULT_MAX_MODEL_MB).toBe(512);
    expect(modelSizeLimit({})).toBe(512 * MiB);
    expect(modelSizeLimit({ [MAX_MODEL_MB_ENV]: '1.5' })).toBe(1.5 * MiB);
    expect(() => modelSizeLimit({ [MAX_MODEL_MB_ENV]: 'lots' })).toThrow(
      `${MAX_MODEL_MB_ENV}: expected a number of MiB greater than 0 and at most 512, got "lots"`,
    );
    expect(() => modelSizeLimit({ [MAX_MODEL_MB_ENV]: '4096' })).toThrow(/at most 512, got "4096"/);
  });

  it('refuses a plain file over the limit before reading it', () => {
    const file = join(dir, 'big.lp');
    writeFileSync(file, `${WYNDOR}\\${'x'.repeat(2 * MiB)}\n`);
    const err = refusal(() => readModelFile(file, { label: 'big.lp', maxBytes: MiB }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe(
      `big.lp: the file is 2 MiB, more than the limit of 1 MiB on a model file (set ${MAX_MODEL_MB_ENV} to raise it)`,
    );
    // Under the limit it reads (the comment line is part of the model text).
    expect(readModelFile(file, { maxBytes: 3 * MiB }).variables).toHaveLength(2);
  });

  it('refuses a gzip file that inflates past the limit (a small gzip bomb)', () => {
    const file = join(dir, 'bomb.mps.gz');
    const size = zeroBomb(file, 2, 1);
    expect(size).toBeLessThan(100 * 1024);
    const err = refusal(() => readModelFile(file, { label: 'bomb.mps.gz', maxBytes: MiB }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe(
      `bomb.mps.gz: inflates to more than 1 MiB, the limit on a model file (set ${MAX_MODEL_MB_ENV} to raise it)`,
    );
  });

  it('reads a gzip model under the limit', () => {
    const file = join(dir, 'ok.lp.gz');
    writeFileSync(file, gzipSync(WYNDOR));
    expect(readModelFile(file, { maxBytes: MiB }).name).toBe('ok');
    writeFileSync(join(dir, 'junk.lp.gz'), 'not gzip');
    expect(() => readModelFile(join(dir, 'junk.lp.gz'))).toThrow(/^junk\.lp\.gz: is not a valid gzip file/);
  });

  it('refuses a 2.9 MB .mps.gz that inflates to 3 GiB with the default limit, holding well under 1 GB', {
    timeout: 60_000,
  }, () => {
    const file = join(dir, 'huge.mps.gz');
    // 48 gzip members of 64 MiB of zeros each: 3 GiB inflated, about 3 MB on disk.
    const size = zeroBomb(file, 64, 48);
    expect(size).toBeLessThan(4 * MiB);
    const probe = join(import.meta.dirname, 'fixtures', 'read-model-rss.ts');
    const r = spawnSync(process.execPath, [probe, file], { encoding: 'utf8', timeout: 50_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { error: string; maxRssMb: number };
    expect(report.error).toBe(
      `huge.mps.gz: inflates to more than 512 MiB, the limit on a model file (set ${MAX_MODEL_MB_ENV} to raise it)`,
    );
    expect(report.maxRssMb).toBeLessThan(1024);
  });
});
