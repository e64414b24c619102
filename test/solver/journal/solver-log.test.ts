import { existsSync, readFileSync, statSync } from 'node:fs';
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
});
