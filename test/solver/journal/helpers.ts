/** Shared helpers of the journal tests: temp folders and task results. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TaskResult, TaskStatus } from '../../../solver/api.ts';

/** A fresh temp folder; remove it with the returned cleanup. */
export function tempDir(prefix = 'journal-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A task result as the farm would record it. */
export function result(index: number, status: TaskStatus = 'optimal', id = `t${index}`): TaskResult {
  const r: TaskResult = {
    id,
    index,
    label: `P=${index}`,
    solver: index % 2,
    status,
    objective: status === 'error' ? null : 100 + index,
    params: { P: index },
    values: { doors: 2, windows: 6 },
    timeMs: 0.01,
  };
  if (status === 'error') r.error = { name: 'Error', message: 'boom' };
  return r;
}

/** JSONL text of results. */
export function lines(results: readonly TaskResult[]): string {
  return results.map((r) => `${JSON.stringify(r)}\n`).join('');
}
