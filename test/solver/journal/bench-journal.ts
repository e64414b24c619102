/**
 * Benchmark (not a test): what the journal costs per result on this machine.
 * Run: `node test/solver/journal/bench-journal.ts [results]`
 * Prints µs per result for: the task id, append with batched fsync (4096 lines / 100 ms,
 * the default), append without fsync, and fsync on every line (what batching avoids).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TaskResult } from '../../../solver/api.ts';
import { taskIdHasher } from '../../../solver/farm/task-id.ts';
import { readJournal } from '../../../solver/journal/journal-reader.ts';
import { JournalWriter, type JournalWriterOptions } from '../../../solver/journal/journal-writer.ts';

const n = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(path.join(tmpdir(), 'journal-bench-'));
const ids = { id: taskIdHasher('sweep', { model: 'wyndor', grid: [{ from: 100, to: 1000 }] }) };

function make(i: number, id: string): TaskResult {
  return {
    id,
    index: i,
    label: `P=${100 + (i % 901)}`,
    solver: i % 2,
    status: 'optimal',
    objective: 3600 + i,
    params: { P: 100 + (i % 901) },
    values: { doors: 2, windows: 6 },
    timeMs: 0.011,
  };
}

async function run(name: string, count: number, options: JournalWriterOptions): Promise<void> {
  const file = path.join(dir, `${name}.jsonl`);
  const w = await JournalWriter.open(file, options);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) w.append(make(i, `t${i}`));
  w.close();
  const ms = performance.now() - t0;
  const { flushes, fsyncs, bytes } = w.stats;
  console.log(
    `${name.padEnd(24)} ${((ms * 1000) / count).toFixed(2).padStart(8)} µs/result  ${count} results, ${flushes} writes, ${fsyncs} fsyncs, ${(bytes / count).toFixed(0)} B/line, ${(w.stats.flushMs / Math.max(1, flushes)).toFixed(2)} ms per write${fsyncs > 0 ? '+fsync' : ''}`,
  );
}

{
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < n; i++) x += ids.id({ P: i % 901, cap: i % 7 }).length;
  const ms = performance.now() - t0;
  console.log(
    `${'task id'.padEnd(24)} ${((ms * 1000) / n).toFixed(2).padStart(8)} µs/id      (${x / n} hex digits, solver/farm/task-id.ts)`,
  );
}
await run('batched fsync (default)', n, {});
await run('batched fsync, 256', n, { maxLines: 256 });
await run('no fsync', n, { fsync: false });
await run('fsync every line', Math.min(n, 2000), { maxLines: 1 });
{
  const t0 = performance.now();
  const scan = await readJournal(path.join(dir, 'batched fsync (default).jsonl'));
  const ms = performance.now() - t0;
  console.log(
    `${'read journal'.padEnd(24)} ${((ms * 1000) / scan.lines).toFixed(2).padStart(8)} µs/line    (${scan.lines} lines)`,
  );
}
rmSync(dir, { recursive: true, force: true });
