import type { Schemas } from '../../api/client';
import { formatPercent } from '../../util';

type ModuleSummary = Schemas['ModuleSummaryDto'];

/**
 * Completion per module as horizontal bars (plain CSS). The bars are decoration for sighted readers;
 * the same numbers are in a visually hidden table that screen readers read instead.
 */
export function ModuleCompletionChart({ modules }: { modules: ModuleSummary[] }) {
  const sorted = [...modules].sort((a, b) => a.position - b.position);
  return (
    <figure className="chart" aria-labelledby="module-chart-caption">
      <figcaption id="module-chart-caption">Completion per module (share of enrolled students who completed it)</figcaption>
      <ol className="hbars" aria-hidden="true">
        {sorted.map((m, i) => (
          <li key={m.moduleId}>
            <span className="hbar-label">
              {i + 1}. {m.title}
            </span>
            <span className="hbar-track">
              <span className="hbar-fill" style={{ width: `${Math.min(100, m.completionRate * 100)}%` }} />
            </span>
            <span className="hbar-value">
              {formatPercent(m.completionRate * 100)} ({m.completed} of {m.enrolled})
            </span>
          </li>
        ))}
      </ol>
      <div className="visually-hidden">
        <table>
          <caption>Completion per module</caption>
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">Completed</th>
              <th scope="col">Enrolled</th>
              <th scope="col">Completion rate</th>
              <th scope="col">Assigned</th>
              <th scope="col">Overdue</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((m, i) => (
              <tr key={m.moduleId}>
                <th scope="row">
                  {i + 1}. {m.title}
                </th>
                <td>{m.completed}</td>
                <td>{m.enrolled}</td>
                <td>{formatPercent(m.completionRate * 100)}</td>
                <td>{m.assigned}</td>
                <td>{m.overdue}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** Ten bins of course percent: 0–9, 10–19, …, 90–100 (a finished course, 100 %, falls in the last). */
export function percentBins(percents: number[]): Array<{ label: string; count: number }> {
  const bins = Array.from({ length: 10 }, (_, i) => ({ label: i === 9 ? '90–100 %' : `${i * 10}–${i * 10 + 9} %`, count: 0 }));
  for (const p of percents) bins[Math.min(9, Math.max(0, Math.floor(p / 10)))].count += 1;
  return bins;
}

/** A histogram of course percent (plain SVG), with the counts as a visually hidden table too. */
export function PercentHistogram({ percents }: { percents: number[] }) {
  const bins = percentBins(percents);
  const max = Math.max(1, ...bins.map((b) => b.count));
  const width = 400;
  const height = 180;
  const top = 16;
  const bottom = 36;
  const barWidth = width / bins.length;
  const scale = (height - top - bottom) / max;
  return (
    <figure className="chart" aria-labelledby="histogram-caption">
      <figcaption id="histogram-caption">Students by course progress ({percents.length} students)</figcaption>
      <svg className="histogram" viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
        <line x1={0} x2={width} y1={height - bottom} y2={height - bottom} className="axis" />
        {bins.map((b, i) => {
          const h = b.count * scale;
          const x = i * barWidth;
          return (
            <g key={b.label}>
              <rect x={x + 4} y={height - bottom - h} width={barWidth - 8} height={h} className="bar" />
              <text x={x + barWidth / 2} y={height - bottom - h - 4} textAnchor="middle" className="count">
                {b.count}
              </text>
              <text x={x + barWidth / 2} y={height - bottom + 14} textAnchor="middle" className="tick">
                {i * 10}
              </text>
            </g>
          );
        })}
        <text x={width / 2} y={height - 4} textAnchor="middle" className="tick">
          course percent (bins of 10)
        </text>
      </svg>
      <div className="visually-hidden">
        <table>
          <caption>Students by course progress</caption>
          <thead>
            <tr>
              <th scope="col">Course percent range</th>
              <th scope="col">Students</th>
            </tr>
          </thead>
          <tbody>
            {bins.map((b) => (
              <tr key={b.label}>
                <th scope="row">{b.label}</th>
                <td>{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
