import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, problemText, session } from '../api/client';
import { Status } from '../components/Layout';
import { field, must, useLoad, useTitle } from '../util';
import { TimeZoneSelect } from '../components/TimeZoneSelect';

const STATUS_TEXT = { draft: 'Draft', published: 'Published', archived: 'Archived' } as const;

/** The courses I teach (all of them for an admin), and a form to start a new one. */
export function CoursesPage() {
  useTitle('Teaching');
  const navigate = useNavigate();
  const user = session.user!;
  const courses = useLoad(async () => must(await api.GET('/api/v1/courses', { params: { query: { limit: 200 } } })).data, user.id);
  const [error, setError] = useState<string>();

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.POST('/api/v1/courses', {
      body: { title: field(form, 'title'), description: field(form, 'description'), timezone: field(form, 'timezone') },
    });
    if (data) void navigate(`/teach/courses/${data.id}`);
    else setError(problemText(error, 'The course was not created.'));
  }

  return (
    <>
      <h1>{user.role === 'admin' ? 'All courses' : 'Courses I teach'}</h1>
      {courses.error && <Status tone="error">{courses.error.message}</Status>}
      {courses.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Course</th>
                <th scope="col">Status</th>
                <th scope="col">Time zone</th>
              </tr>
            </thead>
            <tbody>
              {courses.data.map((course) => (
                <tr key={course.id}>
                  <td>
                    <Link to={`/teach/courses/${course.id}`}>{course.title}</Link>
                  </td>
                  <td>{STATUS_TEXT[course.status]}</td>
                  <td>{course.timezone}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {courses.data?.length === 0 && <p>No courses yet.</p>}
      <section aria-labelledby="new-course">
        <h2 id="new-course">New course</h2>
        {error && <Status tone="error">{error}</Status>}
        <form onSubmit={(e) => void create(e)}>
          <label htmlFor="title">Title</label>
          <input id="title" name="title" type="text" required maxLength={300} />
          <label htmlFor="description">Description</label>
          <textarea id="description" name="description" rows={3} maxLength={10000} />
          <label htmlFor="timezone">Time zone (due and unlock dates are entered in it)</label>
          <TimeZoneSelect id="timezone" name="timezone" value={user.timezone} />
          <button type="submit">Create course</button>
        </form>
      </section>
    </>
  );
}
