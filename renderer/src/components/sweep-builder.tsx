import { useId } from 'react';
import type { ModelSummary } from '../../../solver/api.ts';
import type { AxisDraft, AxisKind } from '../state/model-job.ts';
import { addAxis, removeAxis, updateAxis, useModels } from '../state/model-store.ts';

const KIND_LABEL: Record<AxisKind, string> = {
  objective: 'Objective coefficient',
  constraint: 'Constraint bound (right-hand side)',
  variable: 'Variable bound',
};

/** Name lists can be long (thousands of columns): a plain select stays keyboard friendly. */
function NameSelect({ axis, names, label }: { axis: AxisDraft; names: readonly string[]; label: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={axis.target} onChange={(e) => updateAxis(axis.key, { target: e.target.value })}>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

function NumberField({
  label,
  value,
  onChange,
  testId,
  wide,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  testId: string;
  wide?: boolean;
}) {
  const id = useId();
  return (
    <div className={wide ? 'field grow' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        className={wide ? 'axis-list' : 'axis-number'}
        value={value}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

function AxisEditor({ axis, n, summary }: { axis: AxisDraft; n: number; summary: ModelSummary }) {
  const kindId = useId();
  const boundId = useId();
  const modeId = useId();
  const names = axis.kind === 'constraint' ? summary.constraints : summary.variables;
  return (
    <fieldset className="axis" data-testid={`axis-${n}`}>
      <legend>Axis {n}</legend>
      <div className="axis-row">
        <div className="field">
          <label htmlFor={kindId}>Changes</label>
          <select
            id={kindId}
            value={axis.kind}
            onChange={(e) => updateAxis(axis.key, { kind: e.target.value as AxisKind })}
          >
            {(Object.keys(KIND_LABEL) as AxisKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        <NameSelect axis={axis} names={names} label={axis.kind === 'constraint' ? 'Constraint' : 'Variable'} />
        {axis.kind !== 'objective' && (
          <div className="field">
            <label htmlFor={boundId}>Bound</label>
            <select
              id={boundId}
              value={axis.bound}
              onChange={(e) => updateAxis(axis.key, { bound: e.target.value as 'lb' | 'ub' })}
            >
              <option value="ub">upper (≤)</option>
              <option value="lb">lower (≥)</option>
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={modeId}>Values</label>
          <select
            id={modeId}
            value={axis.mode}
            onChange={(e) => updateAxis(axis.key, { mode: e.target.value as 'range' | 'list' })}
          >
            <option value="range">Range</option>
            <option value="list">List</option>
          </select>
        </div>
        <button
          type="button"
          className="small-button axis-remove"
          aria-label={`Remove axis ${n}`}
          onClick={() => removeAxis(axis.key)}
        >
          Remove
        </button>
      </div>
      <div className="axis-row">
        {axis.mode === 'range' ? (
          <>
            <NumberField
              label="From"
              value={axis.from}
              testId="axis-from"
              onChange={(v) => updateAxis(axis.key, { from: v })}
            />
            <NumberField
              label="To"
              value={axis.to}
              testId="axis-to"
              onChange={(v) => updateAxis(axis.key, { to: v })}
            />
            <NumberField
              label="Step"
              value={axis.step}
              testId="axis-step"
              onChange={(v) => updateAxis(axis.key, { step: v })}
            />
          </>
        ) : (
          <NumberField
            label="Values (separated by commas)"
            value={axis.values}
            testId="axis-values"
            wide
            onChange={(v) => updateAxis(axis.key, { values: v })}
          />
        )}
      </div>
    </fieldset>
  );
}

/** Axes of a sweep over one model's names; the grid is their cartesian product. */
export function SweepBuilder({ summary }: { summary: ModelSummary }) {
  const axes = useModels((s) => s.axes);
  return (
    <div className="sweep-builder" data-testid="sweep-builder">
      <div className="section-head">
        <h3>Sweep</h3>
        <span className="muted small">
          {axes.length === 0
            ? 'No axes: Start solves the model once, as it is.'
            : 'One task for every combination of the axes’ values.'}
        </span>
      </div>
      {axes.map((a, i) => (
        <AxisEditor key={a.key} axis={a} n={i + 1} summary={summary} />
      ))}
      <div className="row">
        <button type="button" data-testid="add-axis" onClick={() => addAxis('objective')}>
          Add axis
        </button>
      </div>
    </div>
  );
}
