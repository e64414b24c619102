import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, type ReactNode, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { int } from '../lib/format.ts';
import { LogRing } from '../state/log-ring.ts';
import { clearLog, useFarm } from '../state/store.ts';

/**
 * Row height in px; fixed so the virtualizer never measures (cheap at 60 updates/s). Rows
 * are placed with `top`, not a transform: each transformed row is a paint chunk of its own,
 * and layerizing a hundred of them (three panes and the table) cost the page 5–8 ms of
 * main thread on every frame it painted (devtools trace, slow 2-core VM).
 */
const ROW = 18;

export interface LogPaneProps {
  /** Core whose log to show, or null for the combined log (lines tagged with their core). */
  source: number | null;
  /** Accessible name, e.g. `Core 1 log`. */
  title: string;
  testId: string;
}

const EMPTY_RING = new LogRing(1);

function highlight(line: string, needle: string): ReactNode {
  if (!needle) return line;
  const lower = line.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  let at = lower.indexOf(needle, from);
  while (at >= 0) {
    if (at > from) parts.push(line.slice(from, at));
    parts.push(<mark key={at}>{line.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
    at = lower.indexOf(needle, from);
  }
  if (from < line.length) parts.push(line.slice(from));
  return parts;
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (no permission or not a secure context): the old way still works.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

/**
 * A live log view over a ring buffer: virtualized rows, follows the tail until the user
 * scrolls up (then offers 'Jump to latest'), a filter that highlights matches, copy, clear.
 * It selects its own ring and version from the store and is memoized, so a parent that
 * re-renders for other reasons (a core card on every status change) does not repaint it:
 * panes repaint only when their lines change, at most every UPDATE_INTERVAL_MS (store.ts).
 */
/** The view shows the last line (within a row and a half). */
function atBottom(el: HTMLElement): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 1.5;
}

export const LogPane = memo(function LogPane({ source, title, testId }: LogPaneProps) {
  const ring = useFarm((s) => (source === null ? s.combined : s.logs[source])) ?? EMPTY_RING;
  const version = useFarm((s) => (source === null ? s.combinedVersion : (s.logVersion[source] ?? 0)));
  const tagged = source === null;
  const onClear = () => clearLog(source);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [note, setNote] = useState('');
  const searchId = useId();
  const needle = query.trim().toLowerCase();

  // Filtered view: positions of matching lines. Recomputed per batch; at most a few
  // thousand short strings, well under a millisecond.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` marks in-place ring changes.
  const matches = useMemo(() => {
    if (!needle) return null;
    const out: number[] = [];
    for (let i = 0; i < ring.size; i++) {
      if (ring.line(i).toLowerCase().includes(needle)) out.push(i);
    }
    return out;
  }, [ring, version, needle]);

  const count = matches ? matches.length : ring.size;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 4,
  });

  // Keep the view steady: follow the tail, or when scrolled back, shift by the lines that
  // fell off the front of the ring so the same text stays under the reader's eyes.
  const firstSeq = useRef(ring.firstSeq);
  // Where following last put the view. A scroll up (wheel, scrollbar, keys) is reported by
  // the browser only at the next frame; lines arriving before that must not snap the view
  // back down and swallow the reader's scroll, so following checks it is still there.
  const followedTo = useRef<number | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs per ring change (`version`).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const dropped = ring.firstSeq - firstSeq.current;
    firstSeq.current = ring.firstSeq;
    if (!el) return;
    if (follow) {
      const left = followedTo.current !== null && el.scrollTop < followedTo.current - ROW && !atBottom(el);
      if (left) {
        followedTo.current = null;
        setFollow(false);
        return;
      }
      el.scrollTop = el.scrollHeight;
      followedTo.current = el.scrollTop;
    } else if (dropped > 0 && !matches) el.scrollTop = Math.max(0, el.scrollTop - dropped * ROW);
  }, [version, follow, count]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = atBottom(el);
    if (bottom) followedTo.current = el.scrollTop;
    if (bottom !== follow) setFollow(bottom);
  };

  const copy = async () => {
    const lines: string[] = [];
    const n = matches ? matches.length : ring.size;
    for (let i = 0; i < n; i++) {
      const pos = matches ? (matches[i] ?? 0) : i;
      lines.push(tagged ? `[core ${ring.tag(pos) + 1}] ${ring.line(pos)}` : ring.line(pos));
    }
    await copyText(lines.join('\n'));
    setNote(`Copied ${int(lines.length)} line${lines.length === 1 ? '' : 's'}`);
    setTimeout(() => setNote(''), 2000);
  };

  return (
    <div className="log-pane" data-testid={testId} data-lines={ring.size} data-total={ring.total}>
      <div className="log-tools">
        <label className="visually-hidden" htmlFor={searchId}>
          Search {title}
        </label>
        <input
          id={searchId}
          type="search"
          placeholder="Filter…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="log-search"
        />
        {matches && (
          <span className="muted small" aria-live="polite">
            {int(matches.length)} match{matches.length === 1 ? '' : 'es'}
          </span>
        )}
        <span className="spacer" />
        <span className="muted small" aria-live="polite">
          {note}
        </span>
        <button type="button" className="small-button" onClick={() => void copy()} disabled={ring.size === 0}>
          Copy
        </button>
        <button type="button" className="small-button" onClick={onClear} disabled={ring.size === 0}>
          Clear
        </button>
      </div>
      <div className="log-body-wrap">
        <div
          ref={scrollRef}
          className="log-body"
          role="log"
          aria-live="off"
          aria-label={title}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable region must be reachable by keyboard.
          tabIndex={0}
          onScroll={onScroll}
        >
          {count === 0 ? (
            <div className="log-empty muted">{needle ? 'No line matches the filter.' : 'No output yet.'}</div>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const pos = matches ? (matches[item.index] ?? 0) : item.index;
                const tag = tagged ? ring.tag(pos) : -1;
                return (
                  <div key={item.key} className="log-line" data-testid="log-line" style={{ top: item.start }}>
                    {tagged && <span className={`core-tag core-${tag % 8}`}>core {tag + 1}</span>}
                    {highlight(ring.line(pos), needle)}
                  </div>
                );
              })}
            </div>
          )}
        </div>
        {!follow && count > 0 && (
          <button
            type="button"
            className="jump-latest"
            onClick={() => {
              setFollow(true);
              const el = scrollRef.current;
              if (el) {
                el.scrollTop = el.scrollHeight;
                followedTo.current = el.scrollTop;
              }
            }}
          >
            Jump to latest ↓
          </button>
        )}
      </div>
    </div>
  );
});
