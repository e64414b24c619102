import { useEffect, useRef } from 'react';
import type { RunView, StepSummary } from '../../../solver/api.ts';
import { num } from '../lib/format.ts';
import { useFarm } from '../state/store.ts';

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function draw(canvas: HTMLCanvasElement, points: [number, number][], tour: number[] | null): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (w === 0 || h === 0) return;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (points.length === 0) return;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const pad = 14;
  const scale = Math.min((w - 2 * pad) / (maxX - minX || 1), (h - 2 * pad) / (maxY - minY || 1));
  const ox = (w - (maxX - minX) * scale) / 2;
  const oy = (h - (maxY - minY) * scale) / 2;
  // TSPLIB y grows upwards; the canvas' grows downwards.
  const px = (p: [number, number]): [number, number] => [ox + (p[0] - minX) * scale, h - (oy + (p[1] - minY) * scale)];
  if (tour && tour.length > 1) {
    ctx.strokeStyle = cssVar('--accent', '#2f7ed8');
    ctx.lineWidth = 1.6;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    tour.forEach((city, i) => {
      const p = points[city];
      if (!p) return;
      const [x, y] = px(p);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.closePath();
    ctx.stroke();
  }
  ctx.fillStyle = cssVar('--fg', '#222');
  for (const p of points) {
    const [x, y] = px(p);
    ctx.beginPath();
    ctx.arc(x, y, 2.6, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** TSP: the best tour so far on a canvas, and the best length after each step. */
export function TourView() {
  const view = useFarm((s) => s.run?.view);
  const tour = useFarm((s) => s.tour);
  const steps = useFarm((s) => s.steps);
  return <TourPanel view={view} tour={tour} steps={steps} />;
}

/** What {@link TourPanel} draws: the live run's tour, or a past run's. */
export interface TourPanelProps {
  view: RunView | undefined;
  tour: number[] | null;
  steps: StepSummary[];
  /** data-testid of the canvas (default `tour-canvas`). */
  testId?: string;
}

/** A tour on a canvas (the cities of `view`), and the best length after each step. */
export function TourPanel({ view, tour, steps, testId = 'tour-canvas' }: TourPanelProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const points = view?.kind === 'tour' ? view.points : null;
  const lastStep = steps.at(-1);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !points) return;
    const redraw = () => draw(canvas, points, tour);
    redraw();
    const ro = new ResizeObserver(redraw);
    ro.observe(canvas);
    const mq = matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', redraw);
    return () => {
      ro.disconnect();
      mq.removeEventListener('change', redraw);
    };
  }, [points, tour]);

  if (!points || view?.kind !== 'tour') return null;
  return (
    <section className="card tour" aria-label="Best tour">
      <div className="section-head">
        <h2>Best tour · {view.name}</h2>
        <span className="muted small">
          {points.length} cities
          {lastStep ? ` · length ${num(lastStep.best)} after step ${lastStep.step} of ${lastStep.steps}` : ''}
        </span>
      </div>
      <div className="tour-body">
        <canvas
          ref={canvasRef}
          className="tour-canvas"
          data-testid={testId}
          data-step={lastStep?.step ?? 0}
          role="img"
          aria-label={lastStep ? `Best tour of ${view.name}, length ${num(lastStep.best)}` : `Cities of ${view.name}`}
        />
        <div className="step-table-wrap">
          <table className="step-table" data-testid="step-table">
            <caption className="visually-hidden">Best length per step</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col" className="num">
                  Best
                </th>
                <th scope="col" className="num">
                  Winner
                </th>
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr key={s.step}>
                  <td>{s.step}</td>
                  <td className="num">{num(s.best)}</td>
                  <td className="num">core {s.winner + 1}</td>
                </tr>
              ))}
              {steps.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    Waiting for the first step…
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
