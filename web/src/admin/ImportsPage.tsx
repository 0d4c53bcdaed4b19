import { useRef, useState, type FormEvent } from 'react';
import { api, problemText, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { must, useLoad, useTitle } from '../util';
import { TableWrap } from './TableWrap';
import { uploadFile } from './upload';

type Result = Schemas['BulkResultDto'];
type DetailRow = Schemas['BulkRowOutcomeDto'];
type Outcome = DetailRow['outcome'];
type Phase = { step: 'idle' } | { step: 'sending'; dryRun: boolean; fraction: number } | { step: 'error'; text: string };

const OUTCOME: Record<Outcome, { dry: string; done: string }> = {
  created: { dry: 'Will be enrolled', done: 'Enrolled' },
  invited: { dry: 'New account: will be invited and enrolled', done: 'Invited and enrolled' },
  existing: { dry: 'Already enrolled: no change', done: 'Already enrolled: no change' },
  invalid: { dry: 'Will not be imported', done: 'Not imported' },
};

/** The rows to show: the server's per-row details when it sent them, else at least the failed rows. */
function rowsOf(result: Result): DetailRow[] {
  if (result.rows) return result.rows;
  return result.failed.map((f) => ({ row: f.row, email: f.email, outcome: 'invalid' as const, error: f.error }));
}

function Counts({ result }: { result: Result }) {
  const dry = result.dryRun;
  // `created` counts new enrolments, of which `invited` are for accounts the import creates.
  const known = result.created - result.invited;
  return (
    <ul className="counts">
      <li>
        <strong>{known}</strong> {dry ? 'will be enrolled' : 'enrolled'} (existing accounts)
      </li>
      <li>
        <strong>{result.invited}</strong> {dry ? 'new accounts will be invited and enrolled' : 'new accounts invited and enrolled'}
      </li>
      <li>
        <strong>{result.existing}</strong> already enrolled (no change)
      </li>
      <li>
        <strong>{result.failedCount}</strong> {dry ? 'rows cannot be imported' : 'rows not imported'}
      </li>
      {result.cohortsCreated > 0 && (
        <li>
          <strong>{result.cohortsCreated}</strong> {dry ? 'cohorts will be created' : 'cohorts created'}
        </li>
      )}
    </ul>
  );
}

function RowsTable({ result, caption }: { result: Result; caption: string }) {
  const rows = rowsOf(result);
  if (rows.length === 0) return null;
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Email</th>
            <th scope="col">Outcome</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.row} className={`outcome-${r.outcome}`}>
              <th scope="row">{r.row}</th>
              <td>{r.email}</td>
              <td>{result.dryRun ? OUTCOME[r.outcome].dry : OUTCOME[r.outcome].done}</td>
              <td>{r.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!result.rows && result.failedCount > result.failed.length && (
        <p className="hint">
          The first {result.failed.length} of {result.failedCount} failed rows are listed.
        </p>
      )}
    </TableWrap>
  );
}

/** /admin/imports: enrol a CSV file of students into a course; a dry run first, then the real thing. */
export function ImportsPage() {
  useTitle('Bulk enrolment');
  const courses = useLoad(async () => must(await api.GET('/api/v1/courses', { params: { query: { limit: 200 } } })).data, 'courses');
  const [courseId, setCourseId] = useState('');
  const [file, setFile] = useState<File>();
  const [createCohorts, setCreateCohorts] = useState(false);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const [check, setCheck] = useState<Result>();
  const [done, setDone] = useState<Result>();
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);

  const open = (courses.data ?? []).filter((c) => c.status !== 'archived');
  const course = open.find((c) => c.id === courseId);
  const busy = phase.step === 'sending';

  function changed() {
    setCheck(undefined);
    setDone(undefined);
    setPhase({ step: 'idle' });
  }

  async function send(dryRun: boolean): Promise<Result | undefined> {
    if (!file || !course) return undefined;
    setPhase({ step: 'sending', dryRun, fraction: 0 });
    const query = new URLSearchParams({ details: 'true' });
    if (dryRun) query.set('dryRun', 'true');
    if (createCohorts) query.set('createCohorts', 'true');
    try {
      const answer = await uploadFile<Result>(
        `/api/v1/courses/${encodeURIComponent(course.id)}/enrolments/bulk?${query.toString()}`,
        file,
        (fraction) => setPhase({ step: 'sending', dryRun, fraction }),
      );
      if (!answer.body) {
        const fallback = answer.status === 413 ? 'The file is too large (at most 10,000 rows).' : `The server answered ${answer.status}.`;
        setPhase({ step: 'error', text: problemText(answer.problem, fallback) });
        return undefined;
      }
      setPhase({ step: 'idle' });
      return answer.body;
    } catch (e) {
      setPhase({ step: 'error', text: e instanceof Error ? e.message : 'The file could not be sent.' });
      return undefined;
    }
  }

  async function dryRun(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCheck(undefined);
    setDone(undefined);
    const result = await send(true);
    if (result) {
      setCheck(result);
      requestAnimationFrame(() => resultHeading.current?.focus());
    }
  }

  async function commit() {
    const result = await send(false);
    if (result) {
      setDone(result);
      requestAnimationFrame(() => doneHeading.current?.focus());
    }
  }

  const enrolling = check ? check.created + check.existing : 0;

  return (
    <>
      <h1>Bulk enrolment</h1>
      <p>
        Enrol a list of students into a course from a CSV file with the header <code>email,name,cohort</code> (name and cohort may be
        empty). People without an account get one, and their welcome email has a link to choose a password. First the file is checked
        without changing anything; then you commit it.
      </p>
      {courses.error && <Status tone="error">{courses.error.message}</Status>}
      <form onSubmit={(e) => void dryRun(e)}>
        <label htmlFor="import-course">Course</label>
        <select
          id="import-course"
          name="course"
          required
          value={courseId}
          onChange={(e) => {
            setCourseId(e.target.value);
            changed();
          }}
        >
          <option value="">{courses.data ? 'Choose a course' : 'Loading courses…'}</option>
          {open.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
              {c.status === 'draft' ? ' (draft)' : ''}
            </option>
          ))}
        </select>
        <label htmlFor="import-file">CSV file</label>
        <p className="hint" id="import-file-hint">
          Columns email, name, cohort separated by commas, semicolons or tabs; UTF-8, UTF-16 or Windows-1252; up to 10,000 rows.
        </p>
        <input
          type="file"
          id="import-file"
          name="file"
          accept=".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values"
          required
          aria-describedby="import-file-hint"
          onChange={(e) => {
            setFile(e.target.files?.[0]);
            changed();
          }}
        />
        <div className="check">
          <input
            type="checkbox"
            id="import-cohorts"
            checked={createCohorts}
            onChange={(e) => {
              setCreateCohorts(e.target.checked);
              changed();
            }}
            aria-describedby="import-cohorts-hint"
          />
          <label htmlFor="import-cohorts">Create cohorts the file names that the course does not have yet</label>
          <p className="hint" id="import-cohorts-hint">
            Otherwise rows naming an unknown cohort are not imported.
          </p>
        </div>
        <button type="submit" disabled={busy}>
          Check this file
        </button>
      </form>

      {phase.step === 'sending' && (
        <div className="upload-progress">
          <label htmlFor="upload-progress">
            {phase.dryRun ? 'Checking' : 'Importing'} {file?.name}
          </label>
          <progress id="upload-progress" max={1} value={phase.fraction < 1 ? phase.fraction : undefined} />
          <Status>
            {phase.fraction < 1
              ? `Uploading ${file?.name}: ${Math.round(phase.fraction * 100)} %`
              : phase.dryRun
                ? 'Uploaded. Checking every row…'
                : 'Uploaded. Enrolling…'}
          </Status>
        </div>
      )}
      {phase.step === 'error' && <Status tone="error">{phase.text}</Status>}

      {check && !done && course && (
        <section aria-labelledby="check-heading">
          <h2 id="check-heading" ref={resultHeading} tabIndex={-1}>
            Check of {file?.name} for {course.title}
          </h2>
          <Status>Nothing has changed yet.</Status>
          <Counts result={check} />
          <RowsTable result={check} caption={`What importing ${file?.name ?? 'the file'} would do, row by row`} />
          {enrolling > 0 || check.invited > 0 ? (
            <button type="button" onClick={() => void commit()} disabled={busy}>
              Commit this file
            </button>
          ) : (
            <p>There is nothing to import in this file.</p>
          )}
        </section>
      )}

      {done && course && (
        <section aria-labelledby="done-heading">
          <h2 id="done-heading" ref={doneHeading} tabIndex={-1}>
            Imported {file?.name} into {course.title}
          </h2>
          <Status tone="success">
            {done.created} enrolled ({done.invited} invited by email), {done.existing} already enrolled, {done.failedCount} not imported.
          </Status>
          <Counts result={done} />
          <RowsTable result={done} caption={`What importing ${file?.name ?? 'the file'} did, row by row`} />
        </section>
      )}
    </>
  );
}
