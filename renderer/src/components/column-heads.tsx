/** One column heading of a data table. */
export interface Column {
  label: string;
  /** A column of numbers: right-aligned (class `num`). */
  num?: boolean;
  /** Read out to screen readers only (an actions column has no visible heading). */
  hidden?: boolean;
}

/** A data table's header row, so every table writes its `<th scope="col">` headings the same way. */
export function ColumnHeads({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.label} scope="col" className={c.num ? 'num' : undefined}>
            {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
