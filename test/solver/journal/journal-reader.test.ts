import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  describeJournalProblems,
  doneCount,
  readJournal,
  repairJournal,
} from '../../../solver/journal/journal-reader.ts';
import { lines, result, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  tmp = tempDir();
  file = path.join(tmp.dir, 'results.jsonl');
});
afterEach(() => tmp.cleanup());

describe('readJournal', () => {
  it('reads a missing journal as empty', async () => {
    const scan = await readJournal(file);
    expect(scan.exists).toBe(false);
    expect(scan.lines).toBe(0);
    expect(scan.torn).toBeNull();
  });

  it('counts the latest result of each task', async () => {
    const rs = [result(0), result(1, 'infeasible'), result(2, 'error'), result(3)];
    writeFileSync(file, lines(rs));
    const seen: number[] = [];
    const text = readFileSync(file, 'utf8');
    const scan = await readJournal(file, {
      onResult: (r, line, offset, bytes) => {
        seen.push(line * 100 + r.index);
        // The reported place holds exactly this line.
        expect(
          JSON.parse(
            Buffer.from(text)
              .subarray(offset, offset + bytes)
              .toString('utf8'),
          ),
        ).toEqual(r);
      },
    });
    expect(scan.lines).toBe(4);
    expect(seen).toEqual([100, 201, 302, 403]);
    expect(doneCount(scan)).toBe(3);
    expect(scan.byStatus.error).toBe(1);
    expect(scan.byStatus.infeasible).toBe(1);
    expect(scan.latest.get(2)).toBe('error');
    expect(scan.torn).toBeNull();
    expect(scan.validBytes).toBe(statSync(file).size);
  });

  it('a retry after an error supersedes it; a second success is a duplicate', async () => {
    writeFileSync(file, lines([result(0, 'error'), result(1), result(0), result(1)]));
    const scan = await readJournal(file);
    expect(scan.superseded).toBe(1);
    expect(scan.duplicates).toBe(1);
    expect(scan.latest.get(0)).toBe('optimal');
    expect(scan.byStatus.error).toBe(0);
    expect(scan.byStatus.optimal).toBe(2);
  });

  it('detects a torn last line without a newline and ignores it', async () => {
    const good = lines([result(0), result(1)]);
    const torn = JSON.stringify(result(2)).slice(0, 37);
    writeFileSync(file, good + torn);
    const scan = await readJournal(file);
    expect(scan.lines).toBe(2);
    expect(scan.latest.has(2)).toBe(false);
    expect(scan.torn).toMatchObject({ line: 3, offset: Buffer.byteLength(good), bytes: 37 });
    expect(scan.torn?.reason).toMatch(/no newline/);
    expect(scan.invalidCount).toBe(0);
    expect(scan.validBytes).toBe(Buffer.byteLength(good));
    expect(describeJournalProblems(scan)).toMatch(/line 3: ignored a torn last line \(37 bytes/);
  });

  it('a complete but newline-less last line is still torn (the write did not finish)', async () => {
    const good = lines([result(0)]);
    writeFileSync(file, good + JSON.stringify(result(1)));
    const scan = await readJournal(file);
    expect(scan.lines).toBe(1);
    expect(scan.torn?.line).toBe(2);
  });

  it('treats NUL bytes at the end (power cut) as a torn tail', async () => {
    const good = lines([result(0)]);
    writeFileSync(file, Buffer.concat([Buffer.from(good), Buffer.alloc(512)]));
    const scan = await readJournal(file);
    expect(scan.lines).toBe(1);
    expect(scan.torn?.reason).toMatch(/NUL bytes/);
    expect(scan.torn?.bytes).toBe(512);
  });

  it('treats an unreadable final line that has a newline as torn', async () => {
    const good = lines([result(0), result(1)]);
    writeFileSync(file, `${good}{"id":"t2","ind\n`);
    const scan = await readJournal(file);
    expect(scan.lines).toBe(2);
    expect(scan.torn?.line).toBe(3);
    expect(scan.invalidCount).toBe(0);
    expect(scan.invalid).toEqual([]);
    expect(scan.validBytes).toBe(Buffer.byteLength(good));
  });

  it('reports invalid lines in the middle with their line numbers and reads on', async () => {
    const text =
      lines([result(0)]) +
      'garbage that is not json\n' +
      lines([result(1)]) +
      '{"id":"x","index":-1,"status":"optimal"}\n' +
      '\n' +
      '{"id":"y","index":4,"status":"great"}\n' +
      lines([result(2)]);
    writeFileSync(file, text);
    const scan = await readJournal(file);
    expect(scan.lines).toBe(3);
    expect(scan.torn).toBeNull();
    expect(scan.invalidCount).toBe(4);
    expect(scan.invalid.map((p) => p.line)).toEqual([2, 4, 5, 6]);
    expect(scan.invalid[0]?.reason).toMatch(/not valid JSON/);
    expect(scan.invalid[1]?.reason).toMatch(/\$\.index/);
    expect(scan.invalid[2]?.reason).toBe('empty line');
    expect(scan.invalid[3]?.reason).toMatch(/\$\.status: expected one of/);
    expect(describeJournalProblems(scan)).toMatch(/line 2: skipped an invalid line/);
  });

  it('reads lines that straddle the 1 MiB read chunks', async () => {
    const rs = [];
    // ~3 MiB of results with long labels so that many lines cross chunk borders.
    for (let i = 0; i < 6000; i++) rs.push({ ...result(i), label: `L${'x'.repeat(i % 977)}` });
    writeFileSync(file, lines(rs));
    const bytes = readFileSync(file);
    let checked = 0;
    const scan = await readJournal(file, {
      onResult: (r, _line, offset, length) => {
        if (r.index % 7 !== 0) return;
        expect(JSON.parse(bytes.subarray(offset, offset + length).toString('utf8')).index).toBe(r.index);
        checked++;
      },
    });
    expect(checked).toBe(Math.ceil(6000 / 7));
    expect(scan.lines).toBe(6000);
    expect(scan.invalidCount).toBe(0);
    expect(scan.torn).toBeNull();
    expect(scan.latest.size).toBe(6000);
  });
});

describe('repairJournal', () => {
  it('cuts exactly the torn tail and keeps every byte before it', async () => {
    const good = lines([result(0), result(1)]);
    writeFileSync(file, `${good}{"id":"t2","index":2,"sta`);
    const scan = await repairJournal(file);
    expect(scan.torn).not.toBeNull();
    expect(readFileSync(file, 'utf8')).toBe(good);
    // A clean journal is left alone.
    const again = await repairJournal(file);
    expect(again.torn).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe(good);
  });

  it('keeps a complete final line that is JSON but not a result (not torn: reported instead)', async () => {
    const text = `${lines([result(0)])}{"note":"edited by hand"}\n`;
    writeFileSync(file, text);
    const scan = await repairJournal(file);
    expect(scan.torn).toBeNull();
    expect(scan.invalid.map((p) => p.line)).toEqual([2]);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('cuts a whole trailing run of torn-looking lines at once, so a second repair changes nothing', async () => {
    const good = `${lines([result(0)])}not json but kept\n`;
    writeFileSync(file, `${good}\n{"id":"t1","in\n\u0000\u0000\n{"id":"t2`);
    const scan = await repairJournal(file);
    expect(scan.torn).toMatchObject({ line: 3, reason: 'no newline at the end (an interrupted write); 4 lines' });
    expect(scan.invalid.map((p) => p.line)).toEqual([2]);
    expect(readFileSync(file, 'utf8')).toBe(good);
    const again = await repairJournal(file);
    expect(again.torn).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe(good);
  });

  it('never touches invalid lines in the middle', async () => {
    const text = `${lines([result(0)])}not json\n${lines([result(1)])}`;
    writeFileSync(file, text);
    await repairJournal(file);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
