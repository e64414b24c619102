/**
 * `solver-farm serve` as a user runs it: prints a URL that answers, keeps running, and
 * a Ctrl-C closes the server (port released) with exit code 0. A taken port is one line, exit 2.
 */

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import path, { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FarmStatus, WsServerMessage } from '../../../solver/api.ts';
import { SOLVER_PRIORITIES } from '../../../solver/farm/priority-launcher.ts';
import { killAll, runCli, startCli, waitFor } from './run-cli.ts';

const SPIN_KIND = fileURLToPath(new URL('../../fixtures/kinds/spin.ts', import.meta.url));
const MARKS_IMPORT = fileURLToPath(new URL('../../fixtures/kinds/marks-import.ts', import.meta.url));

/** A real `serve` child and a WebSocket page on it: `call` sends a FarmApi verb and awaits its reply. */
async function servePage(args: string[], cwd?: string) {
  const run = startCli(['serve', '--port', '0', '--cores', '2', ...args], cwd);
  await waitFor(() => /serving at http:\/\/\S*token=/.test(run.out.stdout), 60_000, 'the URL');
  const page = new URL(/serving at (\S+)/.exec(run.out.stdout)?.[1] as string);
  const token = new URLSearchParams(page.hash.slice(1)).get('token');
  const ws = new WebSocket(`ws://${page.host}/farm?token=${token}`, { origin: page.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 0;
  const call = <T>(verb: string, ...callArgs: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(String(data)) as WsServerMessage;
        if (msg.type !== 'reply' || msg.id !== id) return;
        ws.off('message', onMessage);
        if (msg.ok) resolve(msg.value as T);
        else reject(new Error(msg.error.message));
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, verb, args: callArgs }));
    });
  const close = async () => {
    await call('terminate', { force: true }).catch(() => {});
    ws.close();
    run.child.kill('SIGINT');
    return run.done;
  };
  return { run, call, close };
}

/** Starts `serve` with `args`, runs a long job over its WebSocket and returns its solvers' OS priorities. */
async function servedSolverPriorities(args: string[]): Promise<number[]> {
  const { call, close } = await servePage(['--allow-modules', dirname(SPIN_KIND), ...args]);
  try {
    await call('start', {
      job: { kind: 'custom', module: SPIN_KIND, spec: { tasks: 20, ms: 5000 } },
      source: SPIN_KIND,
    });
    let status: FarmStatus | undefined;
    const until = Date.now() + 60_000;
    for (;;) {
      status = await call<FarmStatus>('status');
      if (status.solvers.length === 2 && status.solvers.every((s) => s.state === 'solving')) break;
      if (Date.now() > until) throw new Error(`solvers never all solving: ${JSON.stringify(status.solvers)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return status.solvers.map((s) => getPriority(s.pid as number));
  } finally {
    await close();
  }
}

afterEach(() => killAll());

describe('solver-farm serve', () => {
  it('prints the URL, serves until Ctrl-C, then closes cleanly', async () => {
    const run = startCli(['serve', '--port', '0', '--cores', '1']);
    await waitFor(() => /serving at http:\/\/127\.0\.0\.1:\d+\/\S*token=/.test(run.out.stdout), 60_000, 'the URL');
    const url = /serving at (\S+)/.exec(run.out.stdout)?.[1] as string;
    const res = await fetch(url);
    expect(res.status).toBeLessThan(500);
    await res.arrayBuffer();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Stopping the server');
    await expect(fetch(url)).rejects.toThrow();
  });

  it('runs its solver processes below normal priority, or at the level --priority names', async () => {
    // The page and the server must keep the CPU they need while every core solves.
    expect(await servedSolverPriorities([])).toEqual([
      SOLVER_PRIORITIES['below-normal'],
      SOLVER_PRIORITIES['below-normal'],
    ]);
    expect(await servedSolverPriorities(['--priority', 'low'])).toEqual([SOLVER_PRIORITIES.low, SOLVER_PRIORITIES.low]);
  });

  it('lets a page load no module and read no file outside the folders it was started with', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'serve-root-'));
    const mark = path.join(root, 'imported');
    // The fixture kind writes this file when imported (by the server or a solver).
    process.env.SOLVER_FARM_IMPORT_MARK = mark;
    try {
      writeFileSync(path.join(root, 'm.lp'), 'maximize\n obj: x\nsubject to\n c: x <= 4\nend\n');
      const sweep = (modelFile: string) => ({
        job: { kind: 'sweep', modelFile, grid: [{ objective: 'x', values: [1, 2, 3] }] },
        source: 'page.json',
      });
      const custom = { job: { kind: 'custom', module: MARKS_IMPORT, spec: {} }, source: 'page.json' };
      // Default: files under the folder serve runs in; no custom kinds at all.
      const plain = await servePage([], root);
      try {
        expect(await plain.call<{ total: number }>('preview', sweep('m.lp'))).toMatchObject({ total: 3 });
        await expect(plain.call('preview', sweep('/etc/passwd'))).rejects.toThrow(
          /\$\.modelFile: expected a path inside the folders this farm exposes .*--root DIR/,
        );
        await expect(plain.call('preview', custom)).rejects.toThrow(/no custom kind here: .*--allow-modules DIR/);
        await expect(plain.call('start', custom)).rejects.toThrow(/no custom kind here/);
      } finally {
        await plain.close();
      }
      expect(existsSync(mark)).toBe(false);
      // --root names what may be read; --allow-modules what may be loaded (and only at start).
      const open = await servePage(['--root', root, '--allow-modules', dirname(MARKS_IMPORT)], tmpdir());
      try {
        expect(await open.call<{ total: number }>('preview', sweep('m.lp'))).toMatchObject({ total: 3 });
        expect(await open.call('preview', custom)).toMatchObject({ kind: 'custom', total: null });
        expect(existsSync(mark)).toBe(false);
      } finally {
        await open.close();
      }
      const bad = await runCli(['serve', '--port', '0', '--root', path.join(root, 'nope')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--root .*nope: not a folder/);
    } finally {
      delete process.env.SOLVER_FARM_IMPORT_MARK;
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('an unknown --priority is one clear line naming the choices, exit 2', async () => {
    const r = await runCli(['serve', '--port', '0', '--priority', 'urgent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--priority <level>' argument 'urgent' is invalid\. Allowed choices are normal, below-normal, low/,
    );
  });

  it('an empty --root or --allow-modules is refused in one line, exit 2 (it used to mean this folder)', async () => {
    for (const option of ['--root', '--allow-modules']) {
      const run = startCli(['serve', '--port', '0', '--cores', '1', option, '']);
      const timer = setTimeout(() => run.child.kill('SIGINT'), 15_000);
      const r = await run.done;
      clearTimeout(timer);
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toBe(`solver-farm: ${option} "": expected a folder name, got an empty one\n`);
    }
  });

  it('a port in use is one clear line and exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['serve', '--port', String(port), '--cores', '1']);
      expect(r.code).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(String(port));
      expect(lines[0]).toMatch(/in use/);
    } finally {
      blocker.close();
    }
  });
});
