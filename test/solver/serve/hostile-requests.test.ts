/**
 * `solver-farm serve` (the real CLI, its real farm and solver processes) under a corpus of
 * malformed and hostile requests (hostile-corpus.ts): it must answer each with a refusal
 * (never a 5xx, and 400 for a request it cannot parse), never exit, keep answering its own
 * page, and finish the run that was going on meanwhile, every step of it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FarmStatus, PastRunDetail, RunInfo } from '../../../solver/api.ts';
import { type CliRun, killAll, ROOT, startCli, waitFor } from '../cli/run-cli.ts';
import { openFarmSocket, tokenOf } from './farm-socket.ts';
import { hostileRequests } from './hostile-corpus.ts';
import { rawExchange } from './raw-http.ts';

/**
 * The berlin52 TSP search for 40 barrier steps of 300 ms: a run whose length is set by the clock,
 * not the CPU, so it outlasts the corpus (a few seconds) on a fast machine as on a loaded one.
 * Its instance is copied beside the job, in the folder the server serves files from.
 */
const STEPS = 40;
function longTsp(dir: string): unknown {
  copyFileSync(path.join(ROOT, 'examples', 'berlin52.tsp'), path.join(dir, 'berlin52.tsp'));
  return { kind: 'tsp', name: 'TSP under attack', instance: 'berlin52.tsp', steps: STEPS, stepMs: 300, seed: 1 };
}

async function startServe(cwd: string, args: string[]): Promise<{ run: CliRun; port: number; token: string }> {
  const run = startCli(['serve', '--port', '0', '--cores', '2', ...args], cwd);
  await waitFor(() => /serving at http:\/\/\S*token=/.test(run.out.stdout), 90_000, 'the URL');
  const url = /serving at (\S+)/.exec(run.out.stdout)?.[1] as string;
  return { run, port: Number(new URL(url).port), token: tokenOf(url) };
}

/** Send every request of the corpus, checking after each that the server lives and refused it sanely. */
async function sendCorpus(run: CliRun, port: number, token: string): Promise<void> {
  for (const request of hostileRequests(port, token)) {
    const answer = await rawExchange(port, request);
    // A crash shows as a dead port before the child's exit is seen: ask the server something plain.
    const alive = await rawExchange(port, {
      bytes: `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      end: false,
    });
    expect(alive, `serve died after "${request.name}": ${run.out.stderr}`).toMatch(/^HTTP\/1\.1 \d/);
    expect(answer, `"${request.name}" got a server error`).not.toMatch(/^HTTP\/1\.[01] 5/);
    if (request.expect !== undefined) expect(answer.slice(0, 40), request.name).toContain(request.expect);
  }
}

let dirs: string[] = [];
afterEach(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('solver-farm serve under hostile requests', () => {
  it('refuses a corpus of malformed requests and upgrades, stays up, and finishes the run in progress', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'serve-hostile-'));
    dirs.push(cwd);
    const { run, port, token } = await startServe(cwd, []);
    const origin = `http://127.0.0.1:${port}`;
    const starter = await openFarmSocket(origin, token);
    const info = await starter.call<RunInfo>('start', { job: longTsp(cwd), source: path.join(cwd, 'long.json') });
    starter.close();
    expect(info.steps).toBe(STEPS);

    await sendCorpus(run, port, token);

    const page = await openFarmSocket(origin, token);
    try {
      const during = await page.call<FarmStatus>('status');
      // The corpus took a few seconds; the run (twelve) was still going through all of it.
      expect(during).toMatchObject({ state: 'running', run: { runId: info.runId } });
      expect(during.progress?.step?.k).toBeLessThan(STEPS);
      let status = during;
      const until = Date.now() + 120_000;
      while (!/^(done|stopped|failed)$/.test(status.state)) {
        if (Date.now() > until) throw new Error(`run did not end: ${JSON.stringify(status.progress)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = await page.call<FarmStatus>('status');
      }
      expect(status.state).toBe('done');
      const detail = await page.call<PastRunDetail>('openRun', info.runId);
      expect(detail.run.status).toBe('done');
      expect(detail.steps.map((s) => s.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    } finally {
      page.close();
    }
    expect(run.child.exitCode).toBeNull();
    expect(run.out.stderr).not.toMatch(/internal error|Uncaught|TypeError/);
  }, 240_000);

  it('refuses the same corpus when bound to every interface (any Host accepted), and stays up', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'serve-hostile-any-'));
    dirs.push(cwd);
    const { run, port, token } = await startServe(cwd, ['--host', '0.0.0.0']);
    await sendCorpus(run, port, token);
    const page = await openFarmSocket(`http://127.0.0.1:${port}`, token);
    try {
      expect((await page.call<FarmStatus>('status')).state).toBe('idle');
    } finally {
      page.close();
    }
    expect(run.child.exitCode).toBeNull();
  }, 240_000);
});
