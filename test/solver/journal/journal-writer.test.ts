import { readFileSync, writeFileSync } from 'node:fs';
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
    expect([...scan.latest.keys()]).toEqual(['t0', 't1', 't2']);
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
