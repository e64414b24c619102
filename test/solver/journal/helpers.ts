/** Shared helpers of the journal tests: temp folders, clean-up after farm tests, and task results. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { TaskResult, TaskStatus } from '../../../solver/api.ts';

/** A temp folder and how to remove it. */
export interface TempDir {
  dir: string;
  cleanup: () => void;
}

/** A fresh temp folder; remove it with the returned cleanup. */
export function tempDir(prefix = 'journal-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a farm test must close when it ends (a Farm). */
interface Closable {
  close(): Promise<unknown>;
}

/** Farms and temp folders handed out by {@link trackForCleanup}. */
export interface Tracker {
  /** Remembers a farm to close after the test; returns it. */
  farm<T extends Closable>(farm: T): T;
  /** A fresh temp folder, removed after the test. */
  tempDir(prefix?: string): TempDir;
}

/**
 * Registers an afterEach that closes the farms, then removes the temp folders, each test made:
 * the farm tests share it so that a failing one leaves no solver processes or folders behind.
 */
export function trackForCleanup(): Tracker {
  const farms: Closable[] = [];
  const dirs: TempDir[] = [];
  afterEach(async () => {
    try {
      for (const farm of farms.splice(0)) await farm.close();
    } finally {
      for (const dir of dirs.splice(0)) dir.cleanup();
    }
  });
  return {
    farm(farm) {
      farms.push(farm);
      return farm;
    },
    tempDir(prefix) {
      const made = tempDir(prefix);
      dirs.push(made);
      return made;
    },
  };
}

/**
 * SIGKILLs a solver process once (remembered in `killed`); one that already exited is let be.
 * Shared by the tests that kill solvers from outside.
 */
export function sigkillOnce(pid: number, killed: Set<number>): void {
  if (killed.has(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
    killed.add(pid);
  } catch {
    // It exited on its own in between.
  }
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
