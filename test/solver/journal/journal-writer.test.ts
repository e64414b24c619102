import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../../solver/journal/journal-reader.ts';
import { JournalWriter } from '../../../solver/journal/journal-writer.ts';
import { lines, result, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  tmp = tempDir();
  file = path.join(tmp.dir, 'results.jsonl');
});
afterEach(() => tmp.cleanup());

const fileLines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

describe('JournalWriter', () => {
  it('writes and fsyncs once per full batch, not once per line', async () => {
    const w = await JournalWriter.open(file, { maxLines: 256, maxDelayMs: 60_000 });
    for (let i = 0; i < 1000; i++) w.append(result(i));
    // 3 full batches went to disk; 232 lines wait.
    expect(w.stats.flushes).toBe(3);
    expect(w.stats.fsyncs).toBe(3);
    expect(w.pending).toBe(1000 - 768);
    expect(fileLines()).toBe(768);
    w.close();
    expect(w.stats.flushes).toBe(4);
    expect(w.stats.lines).toBe(1000);
    expect(fileLines()).toBe(1000);
    const scan = await readJournal(file);
    expect(scan.lines).toBe(1000);
    expect(scan.invalidCount).toBe(0);
  });

  it('flushes a partial batch after maxDelayMs by timer', async () => {
    const w = await JournalWriter.open(file, { maxLines: 1000, maxDelayMs: 30 });
    w.append(result(0));
    w.append(result(1));
    expect(fileLines()).toBe(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(fileLines()).toBe(2);
    expect(w.stats.flushes).toBe(1);
    w.close();
  });

  it('flushes on append when the oldest line is too old even if timers could not run', async () => {
    const w = await JournalWriter.open(file, { maxLines: 1000, maxDelayMs: 20 });
    w.append(result(0));
    const until = Date.now() + 40;
    while (Date.now() < until) {
      // A busy main thread: the timer cannot fire.
    }
    w.append(result(1));
    expect(w.stats.flushes).toBe(1);
    expect(fileLines()).toBe(2);
    w.close();
  });

  it('cuts a torn tail before appending, so the file stays valid JSONL', async () => {
    writeFileSync(file, `${lines([result(0), result(1)])}{"id":"t2","index":2,"st`);
    const w = await JournalWriter.open(file);
    expect(w.opened.torn?.line).toBe(3);
    w.append(result(2));
    w.close();
    const scan = await readJournal(file);
    expect(scan.lines).toBe(3);
    expect(scan.invalidCount).toBe(0);
    expect(scan.torn).toBeNull();
    expect([0, 1, 2, 3].map((i) => scan.latest.has(i))).toEqual([true, true, true, false]);
  });

  it('refuses appends after close and close is idempotent', async () => {
    const w = await JournalWriter.open(file);
    w.append(result(0));
    w.close();
    w.close();
    expect(() => w.append(result(1))).toThrow(/closed/);
    expect(fileLines()).toBe(1);
  });
});

describe('JournalWriter when its file is taken away (issue 11, bug 4)', () => {
  /** What a refused flush says: which journal, what happened, how many results it kept. */
  function failureOf(act: () => void): { message: string; code: string; kept: number } {
    try {
      act();
    } catch (err) {
      const e = err as { message: string; code: string; kept: number };
      return { message: e.message, code: e.code, kept: e.kept };
    }
    throw new Error('expected the journal to refuse');
  }

  it('removed: the next flush refuses, says so and how many results it holds, and writes nowhere', async () => {
    const w = await JournalWriter.open(file, { maxLines: 1000, maxDelayMs: 60_000 });
    for (let i = 0; i < 10; i++) w.append(result(i));
    w.flush();
    rmSync(file);
    w.append(result(10));
    const f = failureOf(() => w.flush());
    expect(f).toEqual({
      code: 'journal-gone',
      kept: 10,
      message: `the journal ${file} was removed or replaced after 10 results were written to it`,
    });
    expect(w.failure?.message).toBe(f.message);
    expect(w.unwritten.map((r) => r.index)).toEqual([10]);
    // Every later call says the same; nothing is written anywhere.
    expect(() => w.append(result(11))).toThrow(f.message);
    expect(() => w.close()).toThrow(f.message);
    expect(existsSync(file)).toBe(false);
  });

  it('replaced by another file: refused the same way, the other file untouched', async () => {
    const w = await JournalWriter.open(file, { maxLines: 1000, maxDelayMs: 60_000 });
    w.append(result(0));
    w.flush();
    renameSync(file, `${file}.old`);
    writeFileSync(file, 'someone else\n');
    w.append(result(1));
    expect(failureOf(() => w.close()).code).toBe('journal-gone');
    expect(readFileSync(file, 'utf8')).toBe('someone else\n');
    expect(readFileSync(`${file}.old`, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('its folder moved: says where the journal is now (where the system can tell)', async () => {
    const dir = path.join(tmp.dir, 'run');
    mkdirSync(dir);
    const inside = path.join(dir, 'results.jsonl');
    const w = await JournalWriter.open(inside, { maxLines: 1000, maxDelayMs: 60_000 });
    w.append(result(0));
    w.flush();
    renameSync(dir, `${dir}.moved`);
    mkdirSync(dir);
    const f = failureOf(() => w.close());
    expect(f.code).toBe('journal-gone');
    if (existsSync('/proc/self/fd')) {
      expect(f.message).toBe(
        `the journal ${inside} was moved to ${dir}.moved/results.jsonl after 1 result was written to it`,
      );
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('checks at close even when nothing waits', async () => {
    const w = await JournalWriter.open(file);
    w.append(result(0));
    w.flush();
    rmSync(file);
    expect(failureOf(() => w.close()).kept).toBe(1);
  });
});
