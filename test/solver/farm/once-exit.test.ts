/** OnceExit (solver/farm/once-exit.ts): every SolverHandle delivers its exit exactly once. */
import { describe, expect, it } from 'vitest';
import type { SolverExit } from '../../../solver/farm/launcher.ts';
import { OnceExit } from '../../../solver/farm/once-exit.ts';

const exit = (reason: string): SolverExit => ({ code: 1, signal: null, reason });

describe('OnceExit', () => {
  it('delivers the first end to the listener, once', () => {
    const once = new OnceExit();
    const heard: string[] = [];
    once.listen((e) => heard.push(e.reason));
    expect(once.end(exit('exit'))).toBe(true);
    expect(once.end(exit('gone'))).toBe(false);
    expect(heard).toEqual(['exit']);
    expect(once.exit?.reason).toBe('exit');
  });

  it('an end before anyone listened is delivered later, in a microtask, not inside listen()', async () => {
    const once = new OnceExit();
    once.end(exit('failed to start'));
    const heard: string[] = [];
    once.listen((e) => heard.push(e.reason));
    expect(heard).toEqual([]);
    await Promise.resolve();
    expect(heard).toEqual(['failed to start']);
    once.end(exit('again'));
    await Promise.resolve();
    expect(heard).toEqual(['failed to start']);
  });
});
