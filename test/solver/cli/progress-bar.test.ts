import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../solver/api.ts';
import { createReporter, describeProgress, progressFraction } from '../../../solver/cli/progress-bar.ts';

const CLEAR = '\r\x1b[2K';

function sink(columns = 100) {
  const chunks: string[] = [];
  return { chunks, stream: { columns, isTTY: true, write: (t: string) => chunks.push(t) } };
}

const tasks = (done: number, over: Partial<Progress> = {}): Progress => ({
  total: 1000,
  done,
  failed: 0,
  running: 2,
  rate: 250,
  etaMs: 4000,
  elapsedMs: 1000,
  ...over,
});

describe('progress display', () => {
  it('describes task and step progress', () => {
    expect(describeProgress(tasks(450, { failed: 2 }))).toBe(
      '45.2% 452/1,000 · 2 failed · 250 tasks/s · ETA 0:04 · 0:01 elapsed',
    );
    const step: Progress = { ...tasks(0), total: null, step: { k: 3, n: 10, working: [1] }, best: 7544.5 };
    expect(describeProgress(step)).toBe('step 3/10 · best 7544.5 · 1 working · 0:01 elapsed');
    expect(progressFraction(step, 2)).toBeCloseTo(0.25);
  });

  it('redraws the terminal bar at most every 100 ms and keeps it under printed lines', () => {
    let now = 0;
    const err = sink(60);
    const out = sink();
    const r = createReporter({ streams: { out: out.stream, err: err.stream }, tty: true, cores: 2, now: () => now });
    r.update(tasks(1));
    for (let i = 2; i < 50; i++) {
      now += 5; // 48 updates within 240 ms
      r.update(tasks(i));
    }
    const draws = err.chunks.filter((c) => c.startsWith(`${CLEAR}[`)).length;
    // Draws at t = 0, 100 and 200 ms only (the pending timer would draw the last state later).
    expect(draws).toBe(3);
    for (const c of err.chunks) expect(c.replace(CLEAR, '').length).toBeLessThanOrEqual(59);
    now += 100;
    r.print(['[core 1] hello'], 'out');
    expect(out.chunks).toEqual(['[core 1] hello\n']);
    // Cleared before the log line, redrawn after it.
    expect(err.chunks.at(-2)).toBe('\r\x1b[2K');
    expect(err.chunks.at(-1)?.startsWith(`${CLEAR}[`)).toBe(true);
    r.stop();
    expect(err.chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('prints plain lines without carriage returns when not on a terminal', () => {
    let now = 0;
    const err = sink();
    const r = createReporter({
      streams: { out: sink().stream, err: err.stream },
      tty: false,
      cores: 2,
      now: () => now,
    });
    for (let i = 1; i <= 1000; i++) {
      now += 1;
      r.update(tasks(i));
    }
    r.stop();
    // One line per 10% (deciles 1..10), nothing else within 5 s.
    expect(err.chunks).toHaveLength(10);
    expect(err.chunks.join('')).not.toContain('\r');
    expect(err.chunks[0]).toMatch(/^progress: 10\.0% 100\/1,000/);
  });
});

describe('progress bar with logs redirected', () => {
  it('leaves the bar alone when log lines go to a file or pipe', () => {
    const err = sink();
    const out = { chunks: [] as string[], stream: { isTTY: false, write: (t: string) => out.chunks.push(t) } };
    const r = createReporter({ streams: { out: out.stream, err: err.stream }, tty: true, cores: 2, now: () => 0 });
    r.update(tasks(1));
    const before = err.chunks.length;
    r.print(['[core 1] a', '[core 2] b'], 'out');
    expect(out.chunks).toEqual(['[core 1] a\n[core 2] b\n']);
    expect(err.chunks).toHaveLength(before);
    r.stop();
  });
});
