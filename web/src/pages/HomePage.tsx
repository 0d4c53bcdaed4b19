import { Link } from 'react-router';
import { api, session, type Schemas } from '../api/client';
import { ProgressBar } from '../components/ProgressBar';
import { Status } from '../components/Layout';
import { formatDateTime, must, useLoad, useTitle } from '../util';

const STATUS_TEXT: Record<Schemas['MyEnrolmentDto']['status'], string> = {
  invited: 'Not started',
  active: 'In progress',
  completed: 'Completed',
  dropped: 'Dropped',
};

export function HomePage() {
  useTitle('My courses');
  const user = session.user!;
  const home = useLoad(async () => {
    const [enrolments, assignments] = await Promise.all([api.GET('/api/v1/me/enrolments'), api.GET('/api/v1/me/assignments')]);
    return { enrolments: must(enrolments).data, assignments: must(assignments).data };
  }, user.id);

  if (home.error) return <Status tone="error">{home.error.message}</Status>;
  if (!home.data) return <p className="loading">Loading your courses…</p>;
  const courses = home.data.enrolments.filter((e) => e.status !== 'dropped');
  const slugOf = new Map(home.data.enrolments.map((e) => [e.courseId, e.courseSlug]));
  const due = home.data.assignments.filter((a) => a.status !== 'done').sort((a, b) => a.dueAt.localeCompare(b.dueAt));

  return (
    <>
      <h1>Hello, {user.name}</h1>
      <section aria-labelledby="courses-heading">
        <h2 id="courses-heading">My courses</h2>
        {courses.length === 0 ? (
          <p>You are not enrolled in any course yet.</p>
        ) : (
          <ul className="cards">
            {courses.map((course) => (
              <li key={course.id} className="card">
                <h3>
                  <Link to={`/courses/${course.courseSlug}`}>{course.courseTitle}</Link>
                </h3>
                <p className="state">{STATUS_TEXT[course.status]}</p>
                <ProgressBar value={course.progressPercent} label={`${course.courseTitle}: progress`} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="due-heading">
        <h2 id="due-heading">Assignments</h2>
        {due.length === 0 ? (
          <p>Nothing is due. Well done.</p>
        ) : (
          <ul className="assignments">
            {due.map((a) => (
              <li key={a.assignmentId} className={a.status === 'overdue' ? 'overdue' : undefined}>
                <Link to={`/courses/${slugOf.get(a.courseId) ?? ''}/modules/${a.moduleId}`}>{a.moduleTitle}</Link>{' '}
                <span className="muted">({a.courseTitle})</span>
                <br />
                <span className="due">
                  {a.status === 'overdue' ? 'Overdue, was due ' : 'Due '}
                  <time dateTime={a.dueAt}>{formatDateTime(a.dueAt, user.timezone)}</time>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
