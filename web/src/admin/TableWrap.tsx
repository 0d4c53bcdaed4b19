import type { ReactNode } from 'react';

/** A table that scrolls sideways on a narrow screen; the scroll area is a named, focusable region so keys can scroll it. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
