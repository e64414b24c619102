/**
 * `solver-farm serve` as a user runs it: prints a URL that answers, keeps running, and
 * a Ctrl-C closes the server (port released) with exit code 0. A taken port is one line, exit 2.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, runCli, startCli, waitFor } from './run-cli.ts';

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
