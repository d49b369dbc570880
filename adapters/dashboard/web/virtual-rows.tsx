/**
 * Windowed table rows: of a long list only the rows in (and near) the scroll box's view are in the DOM, with
 * spacer rows standing in for the rest, so a 1,000-vehicle or 1,000-charger table renders as fast as a short one.
 * Rows have a fixed height (CSS); the scroll box is focusable, so it scrolls with the keyboard.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

const overscan = 8;

export function VirtualRows<T>({ rows, rowHeight, columns, header, render, label, testId }: {
  rows: readonly T[];
  rowHeight: number;
  columns: number;
  header: ComponentChildren;
  render: (row: T) => ComponentChildren;
  label: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight || 600 });
    update();
    el.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, []);
  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  return (
    <div class="table-scroll virtual" ref={box} tabIndex={0} role="region" aria-label={`${label} (${rows.length} rows; scroll for more)`}>
      <table data-testid={testId} data-rows={rows.length}>
        <thead>{header}</thead>
        <tbody>
          {first > 0 ? (
            <tr aria-hidden="true" class="spacer" style={{ height: `${first * rowHeight}px` }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
          {rows.slice(first, last).map(render)}
          {last < rows.length ? (
            <tr aria-hidden="true" class="spacer" style={{ height: `${(rows.length - last) * rowHeight}px` }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
