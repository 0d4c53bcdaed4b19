import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, session } from '../api/client';
import { Status } from '../components/Layout';
import { VideoPlayer } from '../components/VideoPlayer';
import { ITEM_STATE, KIND_TEXT, NotEnrolled, loadCourse, ruleText } from '../course-data';
import { outboxFor } from '../outbox';
import { formatPercent, useLoad, useTitle } from '../util';
import { NotFoundPage } from './NotFoundPage';

/** A video file the browser can play itself (the demo clip, files served by Accord), not a page about a video. */
const playable = (url: string) => new URL(url, window.location.href).pathname.match(/\.(webm|mp4|m4v|ogv|ogg)$/i) !== null;

export function ItemPage() {
  const { slug = '', itemId = '' } = useParams();
  const user = session.user!;
  const outbox = outboxFor(user.id);
  const view = useLoad(() => loadCourse(slug, user.timezone), slug);
  const [message, setMessage] = useState<string>();
  const { reload } = view;
  // Whenever the server has taken our events, show the state it worked out.
  useEffect(() => outbox.onAcknowledged(reload), [outbox, reload]);

  const modules = view.data?.modules ?? [];
  const module = modules.find((m) => m.items.some((i) => i.item.id === itemId));
  const entry = module?.items.find((i) => i.item.id === itemId);
  useTitle(entry?.item.material.title ?? 'Item');

  if (view.error)
    return view.error instanceof NotEnrolled ? <NotFoundPage what="course" /> : <Status tone="error">{view.error.message}</Status>;
  if (!view.data) return <p className="loading">Loading…</p>;
  if (!module || !entry) return <NotFoundPage what="item" />;
  const { item, state } = entry;
  const material = item.material;
  const all = modules.flatMap((m) => m.items.map((i) => ({ module: m, entry: i })));
  const next = all[all.findIndex((x) => x.entry.item.id === itemId) + 1];
  const nextOpen = next && next.module.progress.state !== 'locked';

  async function markDone() {
    const { response } = await api.POST('/api/v1/items/{id}/complete', { params: { path: { id: item.id } } });
    setMessage(response.ok ? 'Marked as done.' : 'That did not work. Try again in a moment.');
    reload();
  }

  return (
    <>
      <p className="breadcrumb">
        <Link to={`/courses/${slug}`}>{view.data.course.title}</Link> ›{' '}
        <Link to={`/courses/${slug}/modules/${module.module.id}`}>{module.module.title}</Link>
      </p>
      <h1>{material.title}</h1>
      <p className="module-meta">
        {KIND_TEXT[material.kind]} · {ruleText(item)} ·{' '}
        <span className={`badge badge-${state.state}`} data-testid="item-state">
          {ITEM_STATE[state.state]}
        </span>
        {state.state !== 'completed' && state.percent > 0 && ` (${formatPercent(state.percent)})`}
      </p>
      <p className="muted" data-testid="module-state">
        Module: {module.module.title}, {module.progress.state.replace('_', ' ')}
      </p>
      {module.progress.state === 'locked' ? (
        <Status>{module.lockReason}</Status>
      ) : (
        <>
          <p>{material.summary}</p>
          {material.kind === 'video' && playable(material.url) ? (
            <VideoPlayer item={item} state={state} outbox={outbox} />
          ) : (
            <p>
              <a
                className="button"
                href={material.url}
                target="_blank"
                rel="noopener noreferrer"
                onClick={() => outbox.add({ itemId: item.id, type: 'viewed' })}
              >
                Open “{material.title}” (opens in a new tab)
              </a>
            </p>
          )}
          {item.completion.type === 'mark_done' && state.state !== 'completed' && (
            <button type="button" onClick={() => void markDone()}>
              Mark as done
            </button>
          )}
          {message && <Status>{message}</Status>}
        </>
      )}
      {next && (
        <p className="next">
          {nextOpen ? (
            <Link to={`/courses/${slug}/items/${next.entry.item.id}`}>Next: {next.entry.item.material.title}</Link>
          ) : (
            <span>
              Next: {next.entry.item.material.title} (locked: {next.module.lockReason})
            </span>
          )}
        </p>
      )}
    </>
  );
}
