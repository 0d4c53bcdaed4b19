import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { api, session, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { NotFoundPage } from '../pages/NotFoundPage';
import { formatDateTime, useTitle } from '../util';
import { CourseNav } from './CourseNav';
import { notFound, problemDetail, useCourse } from './report/shared';

type Reminder = Schemas['ReminderDto'];

const REMINDER_STATUS: Record<Reminder['status'], string> = {
  scheduled: 'Scheduled',
  queued: 'Queued',
  sending: 'Sending',
  held: 'Held for a digest',
  sent: 'Sent',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

const REMINDER_KIND: Record<Reminder['kind'], string> = {
  welcome: 'Welcome',
  assignment: 'New assignment',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  inactivity: 'Inactivity nudge',
};

/** Why a reminder was not sent, in words (the API's codes, e.g. opted_out). */
const SKIP_REASON: Record<string, string> = {
  completed: 'Already completed',
  dropped: 'Enrolment dropped',
  cancelled: 'Cancelled (assignment or course)',
  rescheduled: 'Due date changed',
  opted_out: 'Opted out of this kind of email',
  deactivated: 'Account deactivated',
  digested: 'Sent in the student’s digest',
};

const PAGE = 50;

/** The course's reminders: what was sent, scheduled or skipped, to whom and when. */
export function RemindersPage() {
  const { id = '' } = useParams();
  const timeZone = session.user!.timezone;
  const course = useCourse(id);
  useTitle(course.data ? `Reminders · ${course.data.title}` : 'Reminders');
  const [status, setStatus] = useState<Reminder['status'] | ''>('');
  const [kind, setKind] = useState<Reminder['kind'] | ''>('');
  const [rows, setRows] = useState<Reminder[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // An answer to an older filter (still in flight when the filter changed again) is dropped.
  const generation = useRef(0);

  async function load(cursor?: string) {
    const mine = cursor ? generation.current : ++generation.current;
    setBusy(true);
    const answer = await api.GET('/api/v1/courses/{id}/reminders', {
      params: { path: { id }, query: { limit: PAGE, cursor, status: status || undefined, kind: kind || undefined } },
    });
    if (mine !== generation.current) return;
    setBusy(false);
    if (!answer.data) return setError(problemDetail(answer.error, 'The reminders did not load.'));
    setError(undefined);
    setRows((before) => (cursor && before ? [...before, ...answer.data.data] : answer.data.data));
    setNext(answer.data.nextCursor);
  }

  useEffect(() => {
    void load();
  }, [id, status, kind]);

  if (course.error) return notFound(course.error) ? <NotFoundPage what="course" /> : <Status tone="error">{course.error.message}</Status>;

  return (
    <>
      <CourseNav courseId={id} />
      <h1>Reminders{course.data ? `: ${course.data.title}` : ''}</h1>
      <p className="hint">Times are in your time zone, {timeZone}.</p>
      <form className="filters inline-form" aria-label="Filter reminders" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="reminder-status">Status</label>
          <select id="reminder-status" value={status} onChange={(e) => setStatus(e.target.value as Reminder['status'] | '')}>
            <option value="">Any status</option>
            {Object.entries(REMINDER_STATUS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="reminder-kind">Kind</label>
          <select id="reminder-kind" value={kind} onChange={(e) => setKind(e.target.value as Reminder['kind'] | '')}>
            <option value="">Any kind</option>
            {Object.entries(REMINDER_KIND).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {error && <Status tone="error">{error}</Status>}
      {!rows && !error && <p className="loading">Loading the reminders…</p>}
      {rows && (
        <>
          <Status>
            {rows.length === 0
              ? 'No reminders match.'
              : `${rows.length} ${rows.length === 1 ? 'reminder' : 'reminders'}${next ? ' loaded (more to load)' : ''}.`}
          </Status>
          {rows.length > 0 && (
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Reminders (scrolls sideways)">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Recipient</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Status</th>
                    <th scope="col">Why not sent</th>
                    <th scope="col">Scheduled for</th>
                    <th scope="col">Sent</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">
                        {r.user.name}
                        <span className="cell-note">{r.user.email}</span>
                      </th>
                      <td>{REMINDER_KIND[r.kind]}</td>
                      <td>
                        <span className={`badge reminder-${r.status}`}>{REMINDER_STATUS[r.status]}</span>
                      </td>
                      <td>
                        {r.skipReason ? (
                          (SKIP_REASON[r.skipReason] ?? r.skipReason.replace(/_/g, ' '))
                        ) : r.lastError ? (
                          r.lastError
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>{formatDateTime(r.scheduledFor, timeZone)}</td>
                      <td>{r.sentAt ? formatDateTime(r.sentAt, timeZone) : <span className="muted">Not sent</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {next && (
            <button type="button" disabled={busy} onClick={() => void load(next)}>
              {busy ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </>
  );
}
