import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, session, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { NotFoundPage } from '../pages/NotFoundPage';
import { field, formatDateTime, must, useLoad, useTitle } from '../util';
import { CourseNav } from './CourseNav';
import { notFound, problemDetail, useCourse } from './report/shared';

type Cohort = Schemas['CohortDto'];
type Message = { tone: 'success' | 'error'; text: string };

/** The course's cohorts: create, rename, delete (the API refuses to delete one still in use, and says by whom). */
export function CohortsPage() {
  const { id = '' } = useParams();
  const timeZone = session.user!.timezone;
  const course = useCourse(id);
  useTitle(course.data ? `Cohorts · ${course.data.title}` : 'Cohorts');
  const cohorts = useLoad(async () => must(await api.GET('/api/v1/courses/{id}/cohorts', { params: { path: { id } } })).data, id);
  const [message, setMessage] = useState<Message>();
  const [renaming, setRenaming] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (course.error) return notFound(course.error) ? <NotFoundPage what="course" /> : <Status tone="error">{course.error.message}</Status>;

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = field(new FormData(form), 'name').trim();
    setBusy(true);
    const answer = await api.POST('/api/v1/courses/{id}/cohorts', { params: { path: { id } }, body: { name } });
    setBusy(false);
    if (!answer.data) return setMessage({ tone: 'error', text: problemDetail(answer.error, 'The cohort was not created.') });
    form.reset();
    setMessage({ tone: 'success', text: `Created the cohort “${answer.data.name}”.` });
    cohorts.reload();
  }

  async function rename(event: FormEvent<HTMLFormElement>, cohort: Cohort) {
    event.preventDefault();
    const name = field(new FormData(event.currentTarget), 'name').trim();
    setBusy(true);
    const answer = await api.PATCH('/api/v1/cohorts/{id}', { params: { path: { id: cohort.id } }, body: { name } });
    setBusy(false);
    if (!answer.data) return setMessage({ tone: 'error', text: problemDetail(answer.error, 'The cohort was not renamed.') });
    setRenaming(undefined);
    setMessage({ tone: 'success', text: `Renamed “${cohort.name}” to “${answer.data.name}”.` });
    cohorts.reload();
  }

  async function remove(cohort: Cohort) {
    setBusy(true);
    const answer = await api.DELETE('/api/v1/cohorts/{id}', { params: { path: { id: cohort.id } } });
    setBusy(false);
    if (!answer.response.ok)
      return setMessage({ tone: 'error', text: problemDetail(answer.error, `The cohort “${cohort.name}” was not deleted.`) });
    setMessage({ tone: 'success', text: `Deleted the cohort “${cohort.name}”.` });
    cohorts.reload();
  }

  return (
    <>
      <CourseNav courseId={id} />
      <h1>Cohorts{course.data ? `: ${course.data.title}` : ''}</h1>
      <p className="hint">Cohorts group a course’s students (for example by section); assignments and the progress report can use them.</p>

      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <div>
          <label htmlFor="cohort-new">New cohort name</label>
          <input id="cohort-new" name="name" type="text" required maxLength={200} autoComplete="off" />
        </div>
        <button type="submit" disabled={busy}>
          Create cohort
        </button>
      </form>

      {message && <Status tone={message.tone}>{message.text}</Status>}
      {cohorts.error && <Status tone="error">{cohorts.error.message}</Status>}
      {!cohorts.data && !cohorts.error && <p className="loading">Loading the cohorts…</p>}
      {cohorts.data && cohorts.data.length === 0 && <p>This course has no cohorts yet.</p>}
      {cohorts.data && cohorts.data.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Cohorts (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {cohorts.data.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    {renaming === c.id ? (
                      <form className="inline-form" onSubmit={(e) => void rename(e, c)}>
                        <div>
                          <label htmlFor={`rename-${c.id}`}>New name for “{c.name}”</label>
                          <input id={`rename-${c.id}`} name="name" type="text" required maxLength={200} defaultValue={c.name} autoFocus />
                        </div>
                        <button type="submit" disabled={busy}>
                          Save name
                        </button>
                        <button type="button" className="secondary" onClick={() => setRenaming(undefined)}>
                          Cancel
                        </button>
                      </form>
                    ) : (
                      c.name
                    )}
                  </th>
                  <td>{formatDateTime(c.createdAt, timeZone)}</td>
                  <td className="actions">
                    <button type="button" className="secondary" aria-label={`Rename ${c.name}`} onClick={() => setRenaming(c.id)}>
                      Rename
                    </button>
                    <button type="button" className="danger" aria-label={`Delete ${c.name}`} disabled={busy} onClick={() => void remove(c)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
