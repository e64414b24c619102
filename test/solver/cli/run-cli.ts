/**
 * Test helper: runs the real `solver-farm` CLI (`node bin/solver-farm.js …`) in its own
 * process group, so a test can send a terminal-like Ctrl-C (SIGINT to the whole group:
 * the CLI and its solver processes) and `killAll()` can remove every process it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/solver-farm.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** stdout/stderr so far (grows while the process runs). */
  out: { stdout: string; stderr: string };
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const started = new Set<ChildProcess>();

/** Start the CLI with `args`, cwd = repo root unless given. */
export function startCli(args: string[], cwd = ROOT): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  started.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (t: string) => {
    out.stdout += t;
  });
  child.stderr?.setEncoding('utf8').on('data', (t: string) => {
    out.stderr += t;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      child.on('close', (code, signal) => {
        resolve({ code, signal, ...out });
      });
    },
  );
  return { child, out, done };
}

/** Run the CLI to the end. */
export function runCli(args: string[], cwd = ROOT) {
  return startCli(args, cwd).done;
}

/** Send `signal` to the CLI's whole process group, as a terminal's Ctrl-C does. */
export function signalGroup(run: CliRun, signal: NodeJS.Signals): void {
  if (run.child.pid !== undefined) process.kill(-run.child.pid, signal);
}

/** SIGKILL every process group a test started (CLI and solvers), ignoring those already gone. */
export function killAll(): void {
  for (const child of started) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already exited
      }
    }
  }
  started.clear();
}

/** Resolve when `check()` is true, polling every 20 ms; reject after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
