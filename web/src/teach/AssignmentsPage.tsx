import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { field, must, useLoad, useTitle } from '../util';
import { CourseNav } from './CourseNav';
import { useWriter, type Write } from './writer';
import { describeInstant, utcToZoned, zonedToUtc } from './zoned';

type Assignment = Schemas['AssignmentDto'];
type Enrolment = Schemas['EnrolmentDto'];
type Target = Schemas['TargetDto'];

/** The enrolments a target reaches (live ones; dropped students get nothing). */
function reached(target: Target | Schemas['TargetView'], enrolments: Enrolment[]): Set<string> {
  const live = enrolments.filter((e) => e.status !== 'dropped');
  if (target.type === 'course') return new Set(live.map((e) => e.id));
  if (target.type === 'cohort') return new Set(live.filter((e) => e.cohortId === target.cohortId).map((e) => e.id));
  return new Set(target.enrolmentIds ?? []);
}

/** Assign modules with due dates entered in the course's time zone; reschedule, cancel, per-student overrides. */
export function AssignmentsPage() {
  const { id = '' } = useParams();
  const { round, message, write } = useWriter();
  const loaded = useLoad(async () => {
    const path = { params: { path: { id } } };
    const [course, modules, cohorts, enrolments, assignments] = await Promise.all([
      api.GET('/api/v1/courses/{id}', path),
      api.GET('/api/v1/courses/{id}/modules', path),
      api.GET('/api/v1/courses/{id}/cohorts', path),
      api.GET('/api/v1/courses/{id}/enrolments', { params: { path: { id }, query: { limit: 200 } } }),
      api.GET('/api/v1/courses/{id}/assignments', { params: { path: { id }, query: { limit: 200 } } }),
    ]);
    return {
      course: must(course),
      modules: must(modules).data,
      cohorts: must(cohorts).data,
      enrolments: must(enrolments).data,
      assignments: must(assignments).data,
    };
  }, `${id}:${round}`);
  useTitle(loaded.data ? `Assignments: ${loaded.data.course.title}` : 'Assignments');
  if (loaded.error) return <Status tone="error">{loaded.error.message}</Status>;
  if (!loaded.data) return <p className="loading">Loading…</p>;
  const data = loaded.data;
  const zone = data.course.timezone;
  const moduleTitle = new Map(data.modules.map((m) => [m.id, m.title]));
  const cohortName = new Map(data.cohorts.map((c) => [c.id, c.name]));
  const studentName = new Map(data.enrolments.map((e) => [e.id, e.user.name || e.user.email]));

  const describeTarget = (a: Assignment) =>
    a.target.type === 'course'
      ? 'Everyone in the course'
      : a.target.type === 'cohort'
        ? `Cohort ${cohortName.get(a.target.cohortId ?? '') ?? '?'}`
        : `${a.target.enrolmentIds?.length ?? 0} chosen students`;

  return (
    <>
      <CourseNav courseId={id} />
      <h1>Assignments</h1>
      <p className="muted">Due dates are entered and shown in the course’s time zone, {zone}, with the UTC time beside them.</p>
      {message && <Status tone={message.tone}>{message.text}</Status>}
      <NewAssignment data={data} write={write} />
      <h2>Current assignments</h2>
      {data.assignments.length === 0 && <p>None yet.</p>}
      <div className="table-wrap" hidden={data.assignments.length === 0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">Who</th>
              <th scope="col">Due</th>
              <th scope="col">Overrides</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {data.assignments.map((a) => (
              <tr key={a.id}>
                <td>{moduleTitle.get(a.moduleId) ?? 'Deleted module'}</td>
                <td>{describeTarget(a)}</td>
                <td>{describeInstant(a.dueAt, zone)}</td>
                <td>
                  <ul className="plain">
                    {a.overrides.map((o) => (
                      <li key={o.enrolmentId}>
                        {studentName.get(o.enrolmentId) ?? 'A student'}: {describeInstant(o.dueAt, zone)}{' '}
                        <button
                          type="button"
                          className="link-button"
                          onClick={() =>
                            void write(
                              api.DELETE('/api/v1/assignments/{id}/overrides/{enrolmentId}', {
                                params: { path: { id: a.id, enrolmentId: o.enrolmentId } },
                              }),
                              'Override removed.',
                            )
                          }
                        >
                          Remove<span className="visually-hidden"> the override for {studentName.get(o.enrolmentId)}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                  <Override
                    assignment={a}
                    enrolments={[...reached(a.target, data.enrolments)].map((e) => ({ id: e, name: studentName.get(e) ?? e }))}
                    zone={zone}
                    write={write}
                  />
                </td>
                <td>
                  <Reschedule assignment={a} zone={zone} write={write} label={moduleTitle.get(a.moduleId) ?? ''} />
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Cancel the assignment of ${moduleTitle.get(a.moduleId) ?? 'this module'}`}
                    onClick={() =>
                      window.confirm('Cancel this assignment? Pending reminders are cancelled.') &&
                      void write(api.DELETE('/api/v1/assignments/{id}', { params: { path: { id: a.id } } }), 'Assignment cancelled.')
                    }
                  >
                    Cancel
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type Data = {
  course: Schemas['CourseDto'];
  modules: Schemas['ModuleDto'][];
  cohorts: Schemas['CohortDto'][];
  enrolments: Enrolment[];
  assignments: Assignment[];
};

/** A due date typed in the course's zone, with the UTC instant and "in the past" said beside it. */
function DueInput({ id, zone, value, onChange }: { id: string; zone: string; value: string; onChange: (v: string) => void }) {
  const utc = zonedToUtc(value, zone);
  return (
    <>
      <input
        id={id}
        type="datetime-local"
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-utc`}
      />
      <p id={`${id}-utc`} className="hint">
        {utc ? describeInstant(utc, zone) : 'Enter a date and time.'}
        {utc && new Date(utc) < new Date() && (
          <strong className="warning"> This is in the past: reminders will not be sent before it.</strong>
        )}
      </p>
    </>
  );
}

function NewAssignment({ data, write }: { data: Data; write: Write }) {
  const zone = data.course.timezone;
  const [type, setType] = useState<Target['type']>('course');
  const [due, setDue] = useState(() => utcToZoned(new Date(Date.now() + 7 * 86_400_000).toISOString(), zone).slice(0, 11) + '17:00');
  const [moduleId, setModuleId] = useState(data.modules[0]?.id ?? '');
  const [cohortId, setCohortId] = useState(data.cohorts[0]?.id ?? '');
  const [chosen, setChosen] = useState<string[]>([]);
  const target: Target = type === 'course' ? { type } : type === 'cohort' ? { type, cohortId } : { type, enrolmentIds: chosen };
  const students = reached(target, data.enrolments);
  const overlapping = data.assignments.filter(
    (a) => a.moduleId === moduleId && [...reached(a.target, data.enrolments)].some((e) => students.has(e)),
  );

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const dueAt = zonedToUtc(due, zone);
    if (!dueAt) return;
    await write(
      api.POST('/api/v1/courses/{id}/assignments', { params: { path: { id: data.course.id } }, body: { moduleId, dueAt, target } }),
      'Assigned.',
    );
  }

  if (data.modules.length === 0) return <p>Add a module before assigning one.</p>;
  return (
    <section aria-labelledby="new-assignment">
      <h2 id="new-assignment">Assign a module</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="module">Module</label>
        <select id="module" value={moduleId} onChange={(e) => setModuleId(e.target.value)}>
          {data.modules.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
        <fieldset>
          <legend>To</legend>
          {(['course', 'cohort', 'enrolments'] as const).map((t) => (
            <div className="check" key={t}>
              <input
                type="radio"
                id={`target-${t}`}
                name="target"
                checked={type === t}
                onChange={() => setType(t)}
                disabled={t === 'cohort' && data.cohorts.length === 0}
              />
              <label htmlFor={`target-${t}`}>
                {t === 'course' ? 'Everyone in the course' : t === 'cohort' ? 'A cohort' : 'Chosen students'}
              </label>
            </div>
          ))}
          {type === 'cohort' && (
            <>
              <label htmlFor="cohort">Cohort</label>
              <select id="cohort" value={cohortId} onChange={(e) => setCohortId(e.target.value)}>
                {data.cohorts.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </>
          )}
          {type === 'enrolments' &&
            data.enrolments
              .filter((e) => e.status !== 'dropped')
              .map((e) => (
                <div className="check" key={e.id}>
                  <input
                    type="checkbox"
                    id={`student-${e.id}`}
                    checked={chosen.includes(e.id)}
                    onChange={(ev) => setChosen(ev.target.checked ? [...chosen, e.id] : chosen.filter((x) => x !== e.id))}
                  />
                  <label htmlFor={`student-${e.id}`}>
                    {e.user.name} ({e.user.email})
                  </label>
                </div>
              ))}
        </fieldset>
        <label htmlFor="due">Due ({zone})</label>
        <DueInput id="due" zone={zone} value={due} onChange={setDue} />
        {overlapping.length > 0 && (
          <p className="notice warning" role="status">
            This module is already assigned to some of these students (due{' '}
            {overlapping.map((a) => describeInstant(a.dueAt, zone)).join('; ')}). They will get both due dates.
          </p>
        )}
        <p className="hint">{students.size === 1 ? '1 student' : `${students.size} students`} will get it.</p>
        <button type="submit">Assign</button>
      </form>
    </section>
  );
}

function Reschedule({ assignment, zone, write, label }: { assignment: Assignment; zone: string; write: Write; label: string }) {
  const [value, setValue] = useState(utcToZoned(assignment.dueAt, zone));
  const id = `reschedule-${assignment.id}`;
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const dueAt = zonedToUtc(value, zone);
    if (dueAt)
      await write(api.PATCH('/api/v1/assignments/{id}', { params: { path: { id: assignment.id } }, body: { dueAt } }), 'Rescheduled.');
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={`Reschedule ${label}`}>
      <label htmlFor={id}>New due date</label>
      <DueInput id={id} zone={zone} value={value} onChange={setValue} />
      <button type="submit" className="secondary">
        Reschedule
      </button>
    </form>
  );
}

function Override({
  assignment,
  enrolments,
  zone,
  write,
}: {
  assignment: Assignment;
  enrolments: Array<{ id: string; name: string }>;
  zone: string;
  write: Write;
}) {
  const [value, setValue] = useState(utcToZoned(assignment.dueAt, zone));
  if (enrolments.length === 0) return null;
  const id = `override-${assignment.id}`;
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const enrolmentId = field(new FormData(event.currentTarget), 'enrolment');
    const dueAt = zonedToUtc(value, zone);
    if (dueAt)
      await write(
        api.PUT('/api/v1/assignments/{id}/overrides/{enrolmentId}', {
          params: { path: { id: assignment.id, enrolmentId } },
          body: { dueAt },
        }),
        'Override saved.',
      );
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Different due date for one student">
      <label htmlFor={`${id}-who`}>Student</label>
      <select id={`${id}-who`} name="enrolment">
        {enrolments.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name}
          </option>
        ))}
      </select>
      <label htmlFor={id}>Their due date</label>
      <DueInput id={id} zone={zone} value={value} onChange={setValue} />
      <button type="submit" className="secondary">
        Set override
      </button>
    </form>
  );
}
