/** Disposables (solver/farm/disposables.ts): a run's timers, released in one place. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Disposables } from '../../../solver/farm/disposables.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('Disposables', () => {
  it('releases every timer and callback at dispose, once, and arms nothing afterwards', () => {
    vi.useFakeTimers();
    const d = new Disposables();
    const fired: string[] = [];
    d.timeout(10, () => fired.push('timeout'));
    d.interval(5, () => fired.push('tick'));
    const released: string[] = [];
    d.add(() => released.push('link'));
    vi.advanceTimersByTime(5);
    expect(fired).toEqual(['tick']);
    d.dispose();
    d.dispose();
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['tick']);
    expect(released).toEqual(['link']);
    d.timeout(1, () => fired.push('late'));
    d.add(() => released.push('late'));
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(['tick']);
    expect(released).toEqual(['link', 'late']);
  });

  it('a cancelled timer never fires and is not released again', () => {
    vi.useFakeTimers();
    const d = new Disposables();
    let fired = 0;
    let released = 0;
    const t = d.timeout(10, () => fired++);
    const r = d.add(() => released++);
    t.cancel();
    r.cancel();
    vi.advanceTimersByTime(20);
    d.dispose();
    expect([fired, released]).toEqual([0, 1]);
  });
});
