/**
 * The main window's size and position, remembered in a small JSON file in the user data
 * folder and restored only if it would still be visible (a monitor may have gone away).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Saved window geometry. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** A screen rectangle (a display's work area, a window's bounds). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 840, maximized: false };

/** Smallest size restored; a saved 20×20 window would be a trap. */
const MIN_WIDTH = 640;
const MIN_HEIGHT = 400;
/** How much of the window must lie on some display to count as visible (enough to grab it). */
const MIN_VISIBLE = { width: 120, height: 48 };

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** True when enough of `bounds` lies on one of the work areas to see and drag it. */
export function isVisible(bounds: Rect, workAreas: Rect[]): boolean {
  return workAreas.some((area) => {
    const w = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const h = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    // The top edge (title bar) must be on this display, not just any corner.
    const topOnScreen = bounds.y >= area.y && bounds.y < area.y + area.height;
    return w >= MIN_VISIBLE.width && h >= MIN_VISIBLE.height && topOnScreen;
  });
}

/**
 * Read the saved state. A missing or broken file, or a position that is no longer on any
 * display, falls back to defaults (keeping a sane saved size where there is one).
 */
export function loadWindowState(file: string, workAreas: Rect[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const width = isFiniteNumber(r.width) ? Math.max(MIN_WIDTH, Math.round(r.width)) : DEFAULT_WINDOW_STATE.width;
  const height = isFiniteNumber(r.height) ? Math.max(MIN_HEIGHT, Math.round(r.height)) : DEFAULT_WINDOW_STATE.height;
  const state: WindowState = { width, height, maximized: r.maximized === true };
  if (isFiniteNumber(r.x) && isFiniteNumber(r.y)) {
    const x = Math.round(r.x);
    const y = Math.round(r.y);
    if (isVisible({ x, y, width, height }, workAreas)) {
      state.x = x;
      state.y = y;
    }
  }
  return state;
}

/** Write the state atomically (temp file + rename), so a crash never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}
