import { Link, useLocation, useParams } from 'react-router';
import { api, session } from '../api/client';
import { Status } from '../components/Layout';
import { ProgressBar } from '../components/ProgressBar';
import { KIND_TEXT, MODULE_STATE } from '../course-data';
import { NotFoundPage } from '../pages/NotFoundPage';
import { formatDateTime, formatPercent, must, useLoad, useTitle } from '../util';
import { CourseNav } from './CourseNav';
import { notFound, REPORT_STATE, useCourse } from './report/shared';

/** One student's progress in the course: every module and item, with the evidence behind each completion. */
export function DrillDownPage() {
  const { id = '', enrolmentId = '' } = useParams();
  const who = useLocation().state as { name?: string; email?: string } | null;
  const timeZone = session.user!.timezone;
  const course = useCourse(id);
  const progress = useLoad(
    async () => must(await api.GET('/api/v1/courses/{id}/enrolments/{enrolmentId}/progress', { params: { path: { id, enrolmentId } } })),
    `${id}/${enrolmentId}`,
  );
  const name = who?.name ?? 'One student';
  useTitle(`${name} · Progress`);

  if (course.error || progress.error) {
    const error = (course.error ?? progress.error)!;
    return notFound(error) ? <NotFoundPage what="student" /> : <Status tone="error">{error.message}</Status>;
  }

  return (
    <>
      <CourseNav courseId={id} />
      <p className="breadcrumb">
        <Link to={`/teach/courses/${id}/progress`}>Progress{course.data ? `: ${course.data.title}` : ''}</Link>
      </p>
      <h1>{who?.name ? `${who.name}’s progress` : 'A student’s progress'}</h1>
      {who?.email && <p className="muted">{who.email}</p>}
      <p className="hint">Times are in your time zone, {timeZone}.</p>
      {!progress.data && <p className="loading">Loading the student’s progress…</p>}
      {progress.data && (
        <>
          <ProgressBar value={progress.data.percent} label="Course progress" />
          <p>
            {progress.data.completedItems} of {progress.data.requiredItems} required items completed.
          </p>
          {progress.data.modules.map((m, i) => (
            <section key={m.id} className="module" aria-labelledby={`module-${m.id}`}>
              <h2 id={`module-${m.id}`}>
                Module {i + 1}: {m.title}
              </h2>
              <p className="module-meta">
                <span className={`badge badge-${m.state}`}>{MODULE_STATE[m.state]}</span> {formatPercent(m.percent)}
                {m.dueAt && <> · due {formatDateTime(m.dueAt, timeZone)}</>}
              </p>
              {m.items.length === 0 ? (
                <p>No items.</p>
              ) : (
                <div className="table-wrap" tabIndex={0} role="region" aria-label={`Items of module ${i + 1} (scrolls sideways)`}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Item</th>
                        <th scope="col">State</th>
                        <th scope="col">Percent</th>
                        <th scope="col">Watched (server-judged)</th>
                        <th scope="col">Evidence</th>
                        <th scope="col">Last activity</th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.items.map((item) => (
                        <tr key={item.id}>
                          <th scope="row">
                            {item.material?.title ?? 'An item just added'}
                            {item.material && <span className="cell-note">{KIND_TEXT[item.material.kind]}</span>}
                          </th>
                          <td>
                            <span className={`badge badge-${item.state}`}>{REPORT_STATE[item.state]}</span>
                          </td>
                          <td className="num">{formatPercent(item.percent)}</td>
                          <td className="num">
                            {item.coveredPercent === null ? <span className="muted">—</span> : formatPercent(item.coveredPercent)}
                          </td>
                          <td>
                            {item.state !== 'completed' ? (
                              <span className="muted">Not completed</span>
                            ) : item.evidenced ? (
                              'Evidenced'
                            ) : (
                              <span className="warn-text">Self-reported</span>
                            )}
                          </td>
                          <td>
                            {item.lastActivityAt ? formatDateTime(item.lastActivityAt, timeZone) : <span className="muted">Never</span>}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          ))}
        </>
      )}
    </>
  );
}
