/**
 * Test helper: `solver-farm serve` in a folder of its own, with a tsp run started from the
 * page whose barrier steps last `stepMs` (a synchronous search: each solver is busy for that
 * long without reading a message). The instance is copied into the folder, which is where
 * the page's relative paths resolve and what `serve` may read by default.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FarmStatus } from '../../../solver/api.ts';
import { openFarmSocket, tokenOf } from '../serve/farm-socket.ts';
import { type CliRun, ROOT, startCli, waitFor } from './run-cli.ts';

/** Resolves once both solvers are inside step 1; returns the server and the solvers' pids. */
export async function serveTsp(
  dir: string,
  stepMs: number,
  args: string[] = [],
): Promise<{ run: CliRun; solvers: number[] }> {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ROOT, 'examples/berlin52.tsp'), join(dir, 'berlin52.tsp'));
  const run = startCli(['serve', '--port', '0', '--cores', '2', ...args], dir);
  await waitFor(() => /serving at http:\/\/\S*token=/.test(run.out.stdout), 60_000, 'the URL');
  const url = /serving at (\S+)/.exec(run.out.stdout)?.[1] as string;
  const farm = await openFarmSocket(new URL(url).origin, tokenOf(url));
  try {
    await farm.call('start', {
      job: { kind: 'tsp', instance: 'berlin52.tsp', steps: 5, stepMs, seed: 1 },
      source: join(dir, 'tsp.json'),
    });
    const until = Date.now() + 30_000;
    let status = await farm.call<FarmStatus>('status');
    while (status.solvers.length < 2 || status.solvers.some((x) => x.state !== 'stepping')) {
      if (Date.now() > until) throw new Error(`solvers never all stepping: ${JSON.stringify(status.solvers)}`);
      await new Promise((r) => setTimeout(r, 50));
      status = await farm.call<FarmStatus>('status');
    }
    return { run, solvers: status.solvers.map((s) => s.pid as number) };
  } finally {
    farm.close();
  }
}
