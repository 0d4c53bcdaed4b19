import { formatPercent } from '../util';

/** A labelled progress bar: the number is always shown as text too. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <div className="progress">
      <progress max={100} value={value} aria-label={label}>
        {formatPercent(value)}
      </progress>
      <span className="progress-text">{formatPercent(value)}</span>
    </div>
  );
}
