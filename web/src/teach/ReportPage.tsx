import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, session } from '../api/client';
import { Status } from '../components/Layout';
import { NotFoundPage } from '../pages/NotFoundPage';
import { formatDateTime, formatPercent, must, useLoad, useTitle } from '../util';
import { CourseNav } from './CourseNav';
import { ModuleCompletionChart, PercentHistogram } from './report/charts';
import { downloadWithToken } from './report/download';
import { notFound, problemDetail, REPORT_STATE, useCourse, type ReportRow, type ReportState } from './report/shared';

type SortKey = 'name' | 'percent' | 'lastActivityAt' | 'overdue';
type Sort = SortKey | `-${SortKey}`;

const PAGE = 50;
/** The histogram counts every student; more than this many and it says it shows the first ones. */
const HISTOGRAM_MAX = 10_000;

/** Every student's course percent (pages of 200), for the histogram. */
async function allPercents(id: string): Promise<{ percents: number[]; capped: boolean }> {
  const percents: number[] = [];
  let cursor: string | undefined;
  do {
    const page = must(await api.GET('/api/v1/courses/{id}/progress', { params: { path: { id }, query: { limit: 200, cursor } } }));
    percents.push(...page.data.map((r) => r.percent));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && percents.length < HISTOGRAM_MAX);
  return { percents, capped: Boolean(cursor) };
}

/** The course's progress report: a sortable, filterable table with a CSV download, and the course summary as charts. */
export function ReportPage() {
  const { id = '' } = useParams();
  const timeZone = session.user!.timezone;
  const course = useCourse(id);
  useTitle(course.data ? `Progress · ${course.data.title}` : 'Progress');
  const cohorts = useLoad(async () => must(await api.GET('/api/v1/courses/{id}/cohorts', { params: { path: { id } } })).data, id);
  const summary = useLoad(async () => must(await api.GET('/api/v1/courses/{id}/progress/summary', { params: { path: { id } } })), id);
  const histogram = useLoad(() => allPercents(id), id);

  const [sort, setSort] = useState<Sort>('name');
  const [cohortId, setCohortId] = useState('');
  const [state, setState] = useState<ReportState | ''>('');
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<ReportRow[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [download, setDownload] = useState<{ tone: 'success' | 'error' | 'info'; text: string }>();

  const query = { sort, cohortId: cohortId || undefined, state: state || undefined };

  // Each new sort or filter starts a new generation: an answer to an older one (still in flight when the
  // person changed the filter again) is dropped, so the table always shows the latest choice.
  const generation = useRef(0);

  async function load(cursor?: string) {
    const mine = cursor ? generation.current : ++generation.current;
    setBusy(true);
    const answer = await api.GET('/api/v1/courses/{id}/progress', { params: { path: { id }, query: { ...query, limit: PAGE, cursor } } });
    if (mine !== generation.current) return;
    setBusy(false);
    if (!answer.data) return setError(problemDetail(answer.error, 'The report did not load.'));
    setError(undefined);
    setRows((before) => (cursor && before ? [...before, ...answer.data.data] : answer.data.data));
    setNext(answer.data.nextCursor);
  }

  useEffect(() => {
    void load();
  }, [id, sort, cohortId, state]);

  if (course.error) return notFound(course.error) ? <NotFoundPage what="course" /> : <Status tone="error">{course.error.message}</Status>;

  const needle = search.trim().toLocaleLowerCase();
  const shown = (rows ?? []).filter(
    (r) => !needle || r.user.name.toLocaleLowerCase().includes(needle) || r.user.email.toLocaleLowerCase().includes(needle),
  );
  const modules =
    rows?.[0]?.modules ?? summary.data?.modules.map((m, i) => ({ moduleId: m.moduleId, number: i + 1, title: m.title })) ?? [];

  function sortBy(key: SortKey) {
    setSort((current) => (current === key ? `-${key}` : key));
  }

  async function downloadCsv() {
    setDownload({ tone: 'info', text: 'Preparing the CSV…' });
    const params = new URLSearchParams({ format: 'csv', sort });
    if (cohortId) params.set('cohortId', cohortId);
    if (state) params.set('state', state);
    try {
      const name = await downloadWithToken(`/api/v1/courses/${id}/progress?${params.toString()}`, `progress-${id}.csv`);
      setDownload({ tone: 'success', text: `Downloaded ${name}.` });
    } catch (e) {
      setDownload({ tone: 'error', text: e instanceof Error ? e.message : 'The CSV did not download.' });
    }
  }

  const header = (key: SortKey, label: string) => {
    const direction = sort === key ? 'ascending' : sort === `-${key}` ? 'descending' : undefined;
    return (
      <th scope="col" aria-sort={direction}>
        <button type="button" className="sort-button" onClick={() => sortBy(key)}>
          {label}
          <span aria-hidden="true" className="sort-mark">
            {direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ' ↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <>
      <CourseNav courseId={id} />
      <h1>Progress{course.data ? `: ${course.data.title}` : ''}</h1>

      <h2>Students</h2>
      <form className="filters inline-form" role="search" aria-label="Filter students" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="report-search">Name or email</label>
          <input id="report-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div>
          <label htmlFor="report-cohort">Cohort</label>
          <select id="report-cohort" value={cohortId} onChange={(e) => setCohortId(e.target.value)}>
            <option value="">All cohorts</option>
            {cohorts.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="report-state">State</label>
          <select id="report-state" value={state} onChange={(e) => setState(e.target.value as ReportState | '')}>
            <option value="">All states</option>
            {Object.entries(REPORT_STATE).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>
      <p className="hint">
        Cohort, state and sort apply to the CSV too; the name or email search looks only through the students loaded on this page.
      </p>
      <p>
        <button type="button" className="secondary" onClick={() => void downloadCsv()}>
          Download CSV
        </button>
      </p>
      {download && <Status tone={download.tone}>{download.text}</Status>}

      {error && <Status tone="error">{error}</Status>}
      {!rows && !error && <p className="loading">Loading the report…</p>}
      {rows && (
        <>
          <Status>
            {shown.length === rows.length
              ? `${rows.length} ${rows.length === 1 ? 'student' : 'students'}${next ? ' loaded (more to load)' : ''}.`
              : `${shown.length} of ${rows.length} loaded students match “${search.trim()}”.`}
          </Status>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Progress of each student (scrolls sideways)">
            <table className="report">
              <thead>
                <tr>
                  {header('name', 'Student')}
                  <th scope="col">Cohort</th>
                  <th scope="col">State</th>
                  {header('percent', 'Course percent')}
                  <th scope="col">Items done</th>
                  {header('overdue', 'Overdue')}
                  {header('lastActivityAt', 'Last activity')}
                  {modules.map((m) => (
                    <th scope="col" key={m.moduleId} className="module-col">
                      Module {m.number}: {m.title}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.enrolmentId}>
                    <th scope="row">
                      <Link to={`/teach/courses/${id}/progress/${r.enrolmentId}`} state={{ name: r.user.name, email: r.user.email }}>
                        {r.user.name}
                      </Link>
                      <span className="cell-note">{r.user.email}</span>
                    </th>
                    <td>{r.cohortName ?? <span className="muted">None</span>}</td>
                    <td>
                      <span className={`badge badge-${r.state}`}>{REPORT_STATE[r.state]}</span>
                    </td>
                    <td className="num">
                      {formatPercent(r.percent)}
                      {r.selfReportedCompletions > 0 && <span className="cell-note">{r.selfReportedCompletions} self-reported</span>}
                    </td>
                    <td className="num">{r.completedItems}</td>
                    <td className="num">{r.overdueAssignments}</td>
                    <td>{r.lastActivityAt ? formatDateTime(r.lastActivityAt, timeZone) : <span className="muted">Never</span>}</td>
                    {r.modules.map((m) => (
                      <td key={m.moduleId} className={m.state === 'completed' ? 'module-done' : 'muted'}>
                        {m.state === 'completed' ? 'Done' : 'Not done'}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown.length === 0 && <p>No students match these filters.</p>}
          {next && (
            <button type="button" disabled={busy} onClick={() => void load(next)}>
              {busy ? 'Loading…' : 'Load more students'}
            </button>
          )}
        </>
      )}

      <h2>Course summary</h2>
      {summary.error && <Status tone="error">{summary.error.message}</Status>}
      {summary.data &&
        (summary.data.modules.length ? <ModuleCompletionChart modules={summary.data.modules} /> : <p>This course has no modules yet.</p>)}
      {histogram.error && <Status tone="error">{histogram.error.message}</Status>}
      {histogram.data && (
        <>
          <PercentHistogram percents={histogram.data.percents} />
          {histogram.data.capped && <p className="hint">The histogram shows the first {HISTOGRAM_MAX} students.</p>}
        </>
      )}
      {(!summary.data || !histogram.data) && !summary.error && !histogram.error && <p className="loading">Loading the summary…</p>}
    </>
  );
}
