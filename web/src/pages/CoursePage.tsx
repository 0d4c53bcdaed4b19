import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { session } from '../api/client';
import { Status } from '../components/Layout';
import { ProgressBar } from '../components/ProgressBar';
import { ITEM_STATE, KIND_TEXT, MODULE_STATE, NotEnrolled, loadCourse, ruleText, type ModuleView } from '../course-data';
import { formatDateTime, formatPercent, useLoad, useTitle } from '../util';
import { NotFoundPage } from './NotFoundPage';

/** A course (all modules), or one module of it when the URL names one (assignment emails do). */
export function CoursePage() {
  const { slug = '', moduleId } = useParams();
  const user = session.user!;
  const view = useLoad(() => loadCourse(slug, user.timezone), `${slug}`);
  const only = moduleId ? view.data?.modules.find((m) => m.module.id === moduleId) : undefined;
  useTitle(only ? only.module.title : (view.data?.course.title ?? 'Course'));
  useEffect(() => {
    if (only) document.getElementById(`module-${only.module.id}`)?.scrollIntoView();
  }, [only]);

  if (view.error)
    return view.error instanceof NotEnrolled ? <NotFoundPage what="course" /> : <Status tone="error">{view.error.message}</Status>;
  if (!view.data) return <p className="loading">Loading the course…</p>;
  if (moduleId && !only) return <NotFoundPage what="module" />;
  const { course, progress, modules, resume } = view.data;

  if (only)
    return (
      <>
        <p className="breadcrumb">
          <Link to={`/courses/${slug}`}>{course.title}</Link>
        </p>
        <ModuleSection view={only} slug={slug} timeZone={user.timezone} headingLevel={1} />
      </>
    );

  return (
    <>
      <h1>{course.title}</h1>
      <p>{course.description}</p>
      <ProgressBar value={progress.percent} label="Course progress" />
      <p className="muted">
        {progress.completedItems} of {progress.requiredItems} required items completed.
      </p>
      {resume && (
        <p>
          <Link className="button" to={`/courses/${slug}/items/${resume.item.item.id}`}>
            {resume.item.state.state === 'in_progress' ? 'Resume' : 'Start'}: {resume.item.item.material.title}
          </Link>
        </p>
      )}
      {modules.map((m) => (
        <ModuleSection key={m.module.id} view={m} slug={slug} timeZone={user.timezone} headingLevel={2} />
      ))}
    </>
  );
}

function ModuleSection({ view, slug, timeZone, headingLevel }: { view: ModuleView; slug: string; timeZone: string; headingLevel: 1 | 2 }) {
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  const Sub = headingLevel === 1 ? 'h2' : 'h3';
  const { module, progress, lockReason, items } = view;
  const locked = progress.state === 'locked';
  return (
    <section className={`module module-${progress.state}`} id={`module-${module.id}`} aria-labelledby={`title-${module.id}`}>
      <Heading id={`title-${module.id}`}>{module.title}</Heading>
      <p className="module-meta">
        <span className={`badge badge-${progress.state}`}>{MODULE_STATE[progress.state]}</span>
        {!locked && <span> · {formatPercent(progress.percent)}</span>}
        {progress.dueAt && (
          <span>
            {' '}
            · Due <time dateTime={progress.dueAt}>{formatDateTime(progress.dueAt, timeZone)}</time>
          </span>
        )}
      </p>
      {lockReason && <p className="lock-reason">{lockReason}</p>}
      {module.description && <p>{module.description}</p>}
      <Sub className="visually-hidden">Items in {module.title}</Sub>
      <ol className="items">
        {items.map(({ item, state }) => (
          <li key={item.id} className={`item item-${state.state}`}>
            {locked ? (
              <span className="item-title">{item.material.title}</span>
            ) : (
              <Link className="item-title" to={`/courses/${slug}/items/${item.id}`}>
                {item.material.title}
              </Link>
            )}
            <span className="item-meta">
              {KIND_TEXT[item.material.kind]} · {ruleText(item)} · {ITEM_STATE[state.state]}
              {state.state === 'in_progress' && ` (${formatPercent(state.percent)})`}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
