import type { ReactNode } from "react";

/** A KERN description list of label–value pairs; pairs without a value are left out. */
export function DescriptionList({ items }: { items: readonly (readonly [string, ReactNode])[] }) {
  return (
    <dl className="kern-description-list">
      {items
        .filter(([, value]) => value)
        .map(([key, value]) => (
          <div key={key} className="kern-description-list-item">
            <dt className="kern-description-list-item__key">{key}</dt>
            <dd className="kern-description-list-item__value">{value}</dd>
          </div>
        ))}
    </dl>
  );
}
