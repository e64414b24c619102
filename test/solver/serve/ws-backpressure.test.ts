/**
 * Issue 11, bug 2: a WebSocket client that never reads its replies. It paused its socket and
 * sent 300 `openRun` requests of ~10 MB replies each: the server queued every reply without
 * limit (4.3 GB) and another page's `status` went unanswered. Replies now obey the same cap
 * as event broadcasts (a client over it is cut off), and a socket has at most 16 requests in
 * flight (more get an immediate `too-many-requests` refusal), against the real `serve`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FarmStatus, PastRun } from '../../../solver/api.ts';
import { killAll, ROOT, runCli, startCli, waitFor } from '../cli/run-cli.ts';
import { openFarmSocket, tokenOf } from './farm-socket.ts';

let dirs: string[] = [];
afterEach(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Resident memory of a process in bytes (Linux /proc), or null where there is none. */
function rssOf(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

const linux = process.platform === 'linux';

describe('a WebSocket client that does not read its replies', () => {
  it.skipIf(!linux)(
    `cannot grow the server without bound nor starve another page${linux ? '' : ' (skipped: measures RSS through /proc)'}`,
    { timeout: 180_000 },
    async () => {
      const cwd = mkdtempSync(path.join(os.tmpdir(), 'serve-backpressure-'));
      dirs.push(cwd);
      // A past run whose openRun page of 50,000 results is a ~10 MB reply.
      const job = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'wyndor-sweep.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      job.grid = [{ name: 'P', objective: 'windows', from: 1, to: 50_000, step: 1 }];
      job.output = { values: 'all', duals: true };
      job.msglev = 'off';
      writeFileSync(path.join(cwd, 'big.json'), JSON.stringify(job));
      const made = await runCli(['run', 'big.json', '--cores', '2'], cwd);
      expect(made.code, made.stderr).toBe(0);

      const serve = startCli(['serve', '--port', '0', '--cores', '1'], cwd);
      await waitFor(() => /serving at http:\/\/\S*token=/.test(serve.out.stdout), 90_000, 'the URL');
      const url = new URL(/serving at (\S+)/.exec(serve.out.stdout)?.[1] as string);
      const token = tokenOf(url.href);
      const pid = serve.child.pid as number;

      const polite = await openFarmSocket(url.origin, token);
      const runs = await polite.call<PastRun[]>('runs');
      const runId = runs[0]?.runId as string;
      const sample = JSON.stringify(await polite.call('openRun', runId, { limit: 50_000 })).length;
      expect(sample).toBeGreaterThan(5_000_000);
      const before = rssOf(pid) as number;

      // The hostile page: reads nothing, asks for 300 big pages.
      const hostile = new WebSocket(`ws://${url.host}/farm?token=${token}`, { origin: url.origin });
      await new Promise((resolve, reject) => hostile.once('open', resolve).once('error', reject));
      let hostileClosed = false;
      hostile.on('close', () => {
        hostileClosed = true;
      });
      hostile.on('error', () => {});
      (hostile as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let id = 1; id <= 300; id++) {
        hostile.send(JSON.stringify({ id, verb: 'openRun', args: [runId, { limit: 50_000 }] }));
      }

      // Meanwhile the polite page asks for status and must be answered promptly.
      let peak = before;
      const latencies: number[] = [];
      const until = Date.now() + 12_000;
      while (Date.now() < until) {
        const t0 = performance.now();
        const status = await polite.call<FarmStatus>('status');
        latencies.push(performance.now() - t0);
        expect(status.state).toBeDefined();
        peak = Math.max(peak, rssOf(pid) ?? 0);
        await new Promise((r) => setTimeout(r, 100));
      }
      latencies.sort((a, b) => a - b);
      const median = latencies[Math.floor(latencies.length / 2)] as number;
      const growth = peak - before;
      expect(growth, `server RSS grew by ${Math.round(growth / 1e6)} MB`).toBeLessThan(300e6);
      // Answered at once as a rule. On two cores shared with other test files a status may now
      // and then wait behind one page being built (~0.3 s alone); before the fix it waited
      // behind all 300 of them, and the server ran out of memory.
      const seen = `status latencies ${latencies.map(Math.round).join(', ')} ms`;
      expect(median, seen).toBeLessThan(200);
      expect(latencies.at(-1) as number, seen).toBeLessThan(5000);

      // The hostile page, once it reads again, finds itself cut off (or refused with too-many-requests).
      const refusals: string[] = [];
      hostile.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; ok?: boolean; error?: { code?: string } };
        if (m.type === 'reply' && m.ok === false) refusals.push(m.error?.code ?? '');
      });
      (hostile as unknown as { _socket: { resume(): void } })._socket.resume();
      await waitFor(() => hostileClosed || refusals.includes('too-many-requests'), 30_000, 'the hostile page cut off');
      hostile.terminate();
      polite.close();
      expect(serve.child.exitCode).toBeNull();
    },
  );
});
