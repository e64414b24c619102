/**
 * Issue 11, item 9: rotating a solver log fails mid-run (logs/ made read-only), then a solver
 * is SIGKILLed and replaced. A rotation that closed its descriptor before failing used to
 * close the same number again on every flush: by then the replacement solver's IPC socket,
 * whose results were lost, and at the end the run printed "recording the run failed", kept
 * run.lock and still exited 0. Now the log stops with one warning and nothing else notices.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readSummary } from '../../../solver/journal/run-dir.ts';
import { respectingPermissions } from '../../support/permission-bits.ts';
import { journalCounts, waitFor } from './farm-helpers.ts';
import { tempDir } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/log-fault-farm.ts', import.meta.url));
const permissions = respectingPermissions();
let child: ChildProcess | null = null;
let tmp: ReturnType<typeof tempDir> | null = null;

afterEach(() => {
  if (child?.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // it ended
    }
  }
  child = null;
  tmp?.cleanup();
  tmp = null;
});

describe('a log rotation that fails mid-run', () => {
  it.skipIf(permissions.skip !== null)(
    `logs/ made read-only, then a solver SIGKILLed: every task once, one warning per log, the run ends done and unlocked${permissions.skip ? ` (skipped: ${permissions.skip})` : ''}`,
    { timeout: 90_000 },
    async () => {
      tmp = tempDir('journal-logfault-');
      const dir = path.join(tmp.dir, 'run');
      const total = 150;
      const [cmd, ...args] = [...(permissions.prefix ?? []), process.execPath, FIXTURE, dir, String(total)];
      const proc = spawn(cmd as string, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let stdout = '';
      let stderr = '';
      proc.stdout?.setEncoding('utf8').on('data', (t: string) => {
        stdout += t;
      });
      proc.stderr?.setEncoding('utf8').on('data', (t: string) => {
        stderr += t;
      });
      const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));

      const pids = await waitFor('both solvers at work', () => /^pids (\d+) (\d+)$/m.exec(stdout) ?? undefined);
      const logs = path.join(dir, 'logs');
      // Rotation works at first…
      await waitFor('a first rotation', () => existsSync(path.join(logs, 'solver-0.log.1')));
      // …then the folder turns read-only: the next rotation of each log fails.
      chmodSync(logs, 0o555);
      try {
        // Each log rotates every few tasks: within half a second both have tried and failed.
        await new Promise((r) => setTimeout(r, 500));
        // A replacement solver's IPC socket gets the lowest free descriptor numbers.
        process.kill(Number(pids[1]), 'SIGKILL');
        const code = await exited;
        expect(code, stderr).toBe(0);
      } finally {
        chmodSync(logs, 0o755);
      }

      expect(stdout).toContain('finished done');
      expect(stdout).not.toContain('RecorderError');
      const warnings = stdout.split('\n').filter((l) => l.startsWith('event RecorderWarning'));
      // At most one per log file (a log that had no rotation due before the end has none).
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      const files = warnings.map((w) => /logs\/(solver-\d\.log):/.exec(w)?.[1]);
      expect(new Set(files).size).toBe(warnings.length);
      for (const w of warnings) {
        expect(w).toMatch(
          /^event RecorderWarning: .*\/logs\/solver-\d\.log: cannot rotate the log: EACCES \(permission denied\); logging for this solver stops here$/,
        );
      }
      const { perIndex, repeated, scan } = await journalCounts(dir);
      expect(repeated).toEqual([]);
      expect(perIndex.size).toBe(total);
      expect(scan.byStatus.error).toBe(0);
      expect(readSummary(dir)).toMatchObject({ status: 'done', done: total, failed: 0 });
      expect(existsSync(path.join(dir, 'run.lock'))).toBe(false);
      // The stopped log says why in its last line.
      const log0 = readFileSync(path.join(logs, 'solver-0.log'), 'utf8').trimEnd().split('\n');
      expect(log0.at(-1)).toMatch(/^solver-farm: .*solver-0\.log: cannot rotate the log: EACCES/);
    },
  );
});
