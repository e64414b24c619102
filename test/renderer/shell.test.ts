/**
 * The renderer's glue to the desktop shell's bridge (`window.farmShell`): opened files become
 * the chosen job (not started), errors show in place, and menu commands act like the toolbar.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  bindShell,
  type MenuCommand,
  type OpenedFileMessage,
  type ShellBridge,
} from '../../renderer/src/state/shell.ts';
import { reset, useFarm } from '../../renderer/src/state/store.ts';

/** A stand-in for the preload's bridge that lets the test deliver what main would send. */
function fakeShell() {
  const open = new Set<(m: OpenedFileMessage) => void>();
  const menu = new Set<(c: MenuCommand) => void>();
  const shell: ShellBridge = {
    onOpenFile: (l) => {
      open.add(l);
      return () => open.delete(l);
    },
    onMenu: (l) => {
      menu.add(l);
      return () => menu.delete(l);
    },
  };
  return {
    shell,
    open: (m: OpenedFileMessage) => {
      for (const l of open) l(m);
    },
    menu: (c: MenuCommand) => {
      for (const l of menu) l(c);
    },
    listeners: () => open.size + menu.size,
  };
}

let unbind: (() => void) | undefined;
afterEach(() => {
  unbind?.();
  unbind = undefined;
  reset();
});

describe('desktop shell glue', () => {
  it('selects an opened job file (by name, with its path as source) without starting it', () => {
    const f = fakeShell();
    unbind = bindShell(f.shell);
    const job = { kind: 'batch', files: ['afiro.mps'] };
    f.open({ ok: true, name: 'afiro.mps', source: '/data/afiro.mps', role: 'model', job });
    const s = useFarm.getState();
    expect(s.job).toEqual({ type: 'file', name: 'afiro.mps', job, source: '/data/afiro.mps' });
    expect(s.pending).toBeNull();
    expect(s.runState).toBe('idle');
  });

  it('shows an opened file that could not be read as an error in place', () => {
    const f = fakeShell();
    unbind = bindShell(f.shell);
    f.open({ ok: false, error: '/x/notes.txt: Solver Farm opens job files (.sfjob, .json) and models (.lp, .mps)' });
    expect(useFarm.getState().toolbarError).toMatch(/notes\.txt: Solver Farm opens job files/);
  });

  it('runs menu commands as the toolbar does, and subscribes only once', () => {
    const f = fakeShell();
    unbind = bindShell(f.shell);
    expect(bindShell(f.shell)).toBeTypeOf('function');
    expect(f.listeners()).toBe(2);
    f.menu('status');
    expect(useFarm.getState().statusOpen).toBe(true);
    // Terminate with nothing running does nothing (the toolbar button is disabled then).
    f.menu('terminate');
    expect(useFarm.getState().pending).toBeNull();
    unbind();
    unbind = undefined;
    expect(f.listeners()).toBe(0);
  });

  it('does nothing in browser mode (no bridge)', () => {
    expect(() => bindShell(undefined)()).not.toThrow();
  });
});
