/**
 * The live progress bar on a real pseudo-terminal (util-linux `script`): redrawn in place,
 * never wider than the terminal, at most 10 times a second, step jobs show `step k/n` and
 * the best value. Skipped where `script` is not installed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './run-cli.ts';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tmp = mkdtempSync(join(tmpdir(), 'solver-farm-tty-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run the CLI on a 60-column pseudo-terminal; resolves with everything the terminal got. */
function onTerminal(args: string[]): Promise<{ text: string; ms: number; code: number | null }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const t0 = Date.now();
  // `script` gives the command a pty; stty sets its width; the typescript file is discarded.
  const child = spawn('script', ['-qec', `stty cols 60; ${quoted}`, '/dev/null'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    text += t;
  });
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ text, ms: Date.now() - t0, code }));
  });
}

describe.skipIf(!hasScript)('progress bar on a terminal', () => {
  it('redraws one line in place, within the width, at most 10×/s (Wyndor)', async () => {
    const r = await onTerminal(['run', 'examples/wyndor-sweep.json', '--cores', '2', '--out', join(tmp, 'w')]);
    expect(r.code).toBe(0);
    const draws = r.text.split('\r\x1b[2K').slice(1);
    const bars = draws.filter((d) => d.startsWith('['));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.length).toBeLessThanOrEqual(Math.ceil(r.ms / 100) + 1);
    for (const b of bars) {
      expect(b).toMatch(/^\[[#-]+\] \d+\.\d% [\d,]+\/901 · \d+ failed · /);
      // The drawn text (up to the next control character) fits in 59 columns.
      expect((b.split(/[\r\n]/)[0] as string).length).toBeLessThanOrEqual(59);
    }
    expect(r.text).toContain('Finished: 901 of 901 tasks done');
  });

  it('shows step k/n and the best tour length for the TSP example', async () => {
    const r = await onTerminal(['run', 'examples/tsp-berlin52.json', '--cores', '2', '--out', join(tmp, 't')]);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/\] step \d+\/10/);
    expect(r.text).toMatch(/step 10\/10: best \d+/);
  });
});
