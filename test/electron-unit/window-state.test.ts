import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, isVisible, loadWindowState, saveWindowState } from '../../electron/window-state.ts';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const twoScreens = [...screen, { x: 1920, y: 0, width: 1280, height: 1024 }];

describe('electron/window-state.ts', () => {
  const dirs: string[] = [];
  const tempFile = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'window-state-'));
    dirs.push(dir);
    return path.join(dir, 'sub', 'window-state.json');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips size, position and maximized through a JSON file', () => {
    const file = tempFile();
    saveWindowState(file, { x: 2000, y: 100, width: 900, height: 700, maximized: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      x: 2000,
      y: 100,
      width: 900,
      height: 700,
      maximized: true,
    });
    expect(loadWindowState(file, twoScreens)).toEqual({ x: 2000, y: 100, width: 900, height: 700, maximized: true });
  });

  it('drops a position that is on no display any more (the second monitor was unplugged)', () => {
    const file = tempFile();
    saveWindowState(file, { x: 2000, y: 100, width: 900, height: 700, maximized: false });
    expect(loadWindowState(file, screen)).toEqual({ width: 900, height: 700, maximized: false });
  });

  it('falls back to defaults for a missing or broken file, and clamps silly sizes', () => {
    const file = tempFile();
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
    saveWindowState(file, DEFAULT_WINDOW_STATE);
    writeFileSync(file, '{"width": 10, "height": "tall", "x": 5');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, '{"width": 10, "height": 5, "x": 5, "y": 5}');
    expect(loadWindowState(file, screen)).toEqual({ x: 5, y: 5, width: 640, height: 400, maximized: false });
  });

  it('needs the title bar on a display, not just a corner', () => {
    expect(isVisible({ x: 100, y: 100, width: 800, height: 600 }, screen)).toBe(true);
    expect(isVisible({ x: 1900, y: 100, width: 800, height: 600 }, screen)).toBe(false);
    expect(isVisible({ x: 100, y: -500, width: 800, height: 600 }, screen)).toBe(false);
    expect(isVisible({ x: -700, y: 100, width: 800, height: 600 }, screen)).toBe(false);
  });
});
