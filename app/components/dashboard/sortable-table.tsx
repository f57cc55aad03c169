import { useMemo, useState, type ReactNode } from "react";

export interface Column<T> {
  key: string;
  label: string;
  /** the value sorted by; numbers sort numerically, null last */
  sortValue: (row: T) => number | string | null;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

const collator = new Intl.Collator("de-DE");

/** A KERN table whose columns sort on click (aria-sort says how); the first column is the row header. */
export function SortableTable<T>({ caption, columns, rows, rowKey, initialSort }: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; initialSort?: { key: string; direction: "ascending" | "descending" } }) {
  const [sort, setSort] = useState(initialSort ?? { key: columns[0]!.key, direction: "ascending" as const });
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort.key) ?? columns[0]!;
    const factor = sort.direction === "ascending" ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = column.sortValue(a);
      const y = column.sortValue(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return factor * (typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y)));
    });
  }, [rows, columns, sort]);
  const toggle = (key: string) =>
    setSort((s) => (s.key === key ? { key, direction: s.direction === "ascending" ? "descending" : "ascending" } : { key, direction: columns.find((c) => c.key === key)?.numeric ? "descending" : "ascending" }));
  return (
    <div className="table-scroll">
      <table className="kern-table kern-table--small">
        <caption className="kern-title">{caption}</caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            {columns.map((c) => (
              <th key={c.key} scope="col" className={`kern-table__cell${c.numeric ? " kern-table__cell--numeric" : ""}`} aria-sort={sort.key === c.key ? sort.direction : "none"}>
                <button type="button" className="sort-button" onClick={() => toggle(c.key)}>
                  {c.label}
                  <span aria-hidden="true">{sort.key === c.key ? (sort.direction === "ascending" ? " ▲" : " ▼") : ""}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {sorted.map((row) => (
            <tr key={rowKey(row)} className="kern-table__row">
              {columns.map((c, i) => {
                const content = c.render ? c.render(row) : (c.sortValue(row) ?? "–");
                const className = `kern-table__cell${c.numeric ? " kern-table__cell--numeric" : ""}`;
                return i === 0 ? (
                  <th key={c.key} scope="row" className={className}>
                    {content}
                  </th>
                ) : (
                  <td key={c.key} className={className}>
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
