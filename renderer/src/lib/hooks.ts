import { useEffect, useState, useSyncExternalStore } from 'react';

// One shared 1 s clock for every elapsed-time display, instead of a timer per card.
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | null = null;
let clockNow = Date.now();

function subscribeClock(cb: () => void): () => void {
  clockListeners.add(cb);
  if (!clockTimer) {
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      for (const l of clockListeners) l();
    }, 1000);
  }
  return () => {
    clockListeners.delete(cb);
    if (clockListeners.size === 0 && clockTimer) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

/** The time, updated once a second (shared by all callers). */
export function useNow(): number {
  return useSyncExternalStore(subscribeClock, () => clockNow);
}

/**
 * `value`, but changing at most once per `ms`: heavy consumers (charts, sorting 100k rows)
 * follow a 60 Hz stream a few times a second. The last value always arrives.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const [last, setLast] = useState(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = last + ms - performance.now();
    if (wait <= 0) {
      setShown(value);
      setLast(performance.now());
      return;
    }
    const t = setTimeout(() => {
      setShown(value);
      setLast(performance.now());
    }, wait);
    return () => clearTimeout(t);
  }, [value, shown, last, ms]);
  return shown;
}
