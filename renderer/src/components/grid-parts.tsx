import type { ReactNode } from 'react';

// Pieces every virtualized grid (VirtualGrid with role="grid") uses: the sticky header row of
// column names, and the placeholder cell of a row whose page has not arrived yet.

/** A header row: `leading` cells first (a select-all checkbox), then one columnheader per name. */
export function HeaderRow(props: { className: string; columns: readonly string[]; leading?: ReactNode }) {
  return (
    <div role="row" className={props.className}>
      {props.leading}
      {props.columns.map((name) => (
        <span key={name} role="columnheader">
          {name}
        </span>
      ))}
    </div>
  );
}

/** What a row shows while its page is being fetched. */
export function LoadingCell() {
  return (
    <span role="gridcell" className="grid-cell-loading" aria-busy="true">
      Loading…
    </span>
  );
}
