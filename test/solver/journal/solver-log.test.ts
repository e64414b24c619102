import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOG_MAX_BYTES, SolverLog } from '../../../solver/journal/solver-log.ts';
import { tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('SolverLog', () => {
  it('defaults to a 5 MiB cap', () => {
    expect(DEFAULT_LOG_MAX_BYTES).toBe(5 * 1024 * 1024);
  });

  it('rotates to .1 at the cap and keeps at most two files of at most the cap each', () => {
    const file = path.join(tmp.dir, 'solver-0.log');
    const log = new SolverLog(file, { maxBytes: 4096, maxBufferBytes: 512 });
    const all: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const line = `line ${String(i).padStart(4, '0')} ${'x'.repeat(i % 50)}`;
      all.push(line);
      log.write([line]);
    }
    log.close();
    expect(log.rotations).toBeGreaterThan(5);
    expect(statSync(file).size).toBeLessThanOrEqual(4096);
    expect(statSync(`${file}.1`).size).toBeLessThanOrEqual(4096);
    expect(existsSync(`${file}.2`)).toBe(false);
    // The newest lines survive, in order, across the two files.
    const kept = (readFileSync(`${file}.1`, 'utf8') + readFileSync(file, 'utf8')).split('\n').filter(Boolean);
    expect(kept.at(-1)).toBe(all.at(-1));
    expect(kept).toEqual(all.slice(all.length - kept.length));
    expect(kept.length).toBeGreaterThan(50);
  });

  it('continues an existing file and counts its size toward the cap', () => {
    const file = path.join(tmp.dir, 'solver-1.log');
    const a = new SolverLog(file, { maxBytes: 2048 });
    a.write(['x'.repeat(1500)]);
    a.close();
    const b = new SolverLog(file, { maxBytes: 2048 });
    b.write(['y'.repeat(1000)]);
    b.close();
    expect(b.rotations).toBe(1);
    expect(readFileSync(`${file}.1`, 'utf8')).toBe(`${'x'.repeat(1500)}\n`);
    expect(readFileSync(file, 'utf8')).toBe(`${'y'.repeat(1000)}\n`);
  });

  it('writes buffered lines after the delay without close', async () => {
    const file = path.join(tmp.dir, 'solver-2.log');
    const log = new SolverLog(file, { maxDelayMs: 20 });
    log.write(['hello', 'world']);
    expect(readFileSync(file, 'utf8')).toBe('');
    await new Promise((r) => setTimeout(r, 80));
    expect(readFileSync(file, 'utf8')).toBe('hello\nworld\n');
    log.close();
  });

  it('a failed rotation stops the log with one problem and never touches a descriptor it gave up', () => {
    const file = path.join(tmp.dir, 'solver-3.log');
    // A folder where the rotated file must go: the rename fails, for root too.
    mkdirSync(`${file}.1`);
    const problems: string[] = [];
    const log = new SolverLog(file, { maxBytes: 1024, maxBufferBytes: 64, onProblem: (p) => problems.push(p) });
    for (let i = 0; i < 30; i++) log.write([`before ${i} ${'x'.repeat(40)}`]);
    log.flush();
    // Whatever opens a file now may get a number the log had before: it must stay untouched.
    const probeFile = path.join(tmp.dir, 'probe.txt');
    writeFileSync(probeFile, '');
    const probe = openSync(probeFile, 'r+');
    try {
      for (let i = 0; i < 100; i++) log.write([`after ${i} ${'y'.repeat(40)}`]);
      log.flush();
      log.close();
      expect(readFileSync(probeFile, 'utf8')).toBe('');
      expect(() => fstatSync(probe)).not.toThrow();
    } finally {
      closeSync(probe);
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(
      `${file}: cannot rotate the log: EISDIR (illegal operation on a directory); logging for this solver stops here`,
    );
    expect(log.problem).toBe(problems[0]);
    // The file keeps what was written before, ends with the reason, and never grew without bound.
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('before 0 ');
    expect(text).not.toContain('after ');
    expect(text.trimEnd().split('\n').at(-1)).toBe(`solver-farm: ${problems[0]}`);
    expect(statSync(file).size).toBeLessThanOrEqual(1024 + 200);
  });

  it('a log file that cannot be opened drops its lines with one problem instead of throwing', () => {
    const file = path.join(tmp.dir, 'not-a-folder', 'solver-4.log');
    writeFileSync(path.join(tmp.dir, 'not-a-folder'), 'a file where the logs folder should be');
    const problems: string[] = [];
    const log = new SolverLog(file, { onProblem: (p) => problems.push(p) });
    log.write(['lost']);
    log.flush();
    log.write(['lost too']);
    log.close();
    log.close();
    expect(problems).toEqual([
      `${file}: cannot open the log: ENOTDIR (not a directory); logging for this solver stops here`,
    ]);
  });
});

describe('SolverLog when its file is taken away (issue 11, bug 10)', () => {
  it('a removed log file stops the log with one problem at the next write, instead of writing into nothing', () => {
    const file = path.join(tmp.dir, 'solver-7.log');
    const problems: string[] = [];
    const log = new SolverLog(file, { onProblem: (m) => problems.push(m) });
    log.write(['before']);
    log.flush();
    rmSync(file);
    log.write(['after']);
    log.flush();
    log.write(['later']);
    log.close();
    expect(problems).toEqual([`${file}: the log file was removed or replaced; logging for this solver stops here`]);
    expect(log.problem).toBe(problems[0]);
    expect(existsSync(file)).toBe(false);
  });

  it('notices at close too', () => {
    const file = path.join(tmp.dir, 'solver-8.log');
    const problems: string[] = [];
    const log = new SolverLog(file, { onProblem: (m) => problems.push(m) });
    log.write(['one']);
    log.flush();
    rmSync(file);
    log.close();
    expect(problems).toHaveLength(1);
  });
});
