import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, problemText, session, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { field, formatDateTime, must, useTitle } from '../util';
import { usePaged } from './paged';
import { TableWrap } from './TableWrap';

type Reminder = Schemas['ReminderDto'];
type ReminderStatus = Reminder['status'];
type Kind = Reminder['kind'];

const STATUSES: ReminderStatus[] = ['failed', 'scheduled', 'queued', 'sending', 'sent', 'skipped', 'cancelled'];
const KINDS: Array<{ value: Kind; label: string }> = [
  { value: 'welcome', label: 'Welcome' },
  { value: 'assignment', label: 'New assignment' },
  { value: 'due_soon', label: 'Due soon' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'inactivity', label: 'Inactivity nudge' },
];
const kindLabel = (kind: Kind) => KINDS.find((k) => k.value === kind)?.label ?? kind;
const FINAL: ReminderStatus[] = ['sent', 'failed', 'skipped', 'cancelled'];

/** Looks up reminders by id in the newest pages of the list (the API has no per-id read). */
async function findReminders(ids: string[]): Promise<Reminder[]> {
  const found: Reminder[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 5 && found.length < ids.length; page += 1) {
    const answer = must(await api.GET('/api/v1/admin/reminders', { params: { query: { limit: 200, cursor } } }));
    found.push(...answer.data.filter((r) => ids.includes(r.id)));
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return found;
}

/** /admin/reminders: failed reminders (or any status) with Retry, and the way into the queue dashboard. */
export function RemindersPage() {
  useTitle('Reminders');
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'failed') as ReminderStatus;
  const kind = (params.get('kind') ?? '') as Kind | '';
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string }>();
  const [watching, setWatching] = useState<string[]>([]);
  const [dashboardBusy, setDashboardBusy] = useState(false);
  const me = session.user!;

  const list = usePaged(
    async (cursor) =>
      must(await api.GET('/api/v1/admin/reminders', { params: { query: { status, kind: kind || undefined, cursor, limit: 50 } } })),
    `${status}|${kind}`,
  );
  const update = useRef(list.update);
  update.current = list.update;

  // A retried reminder stays in the table and its status follows the worker until it is sent (or fails again).
  useEffect(() => {
    if (watching.length === 0) return;
    let live = true;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const found = await findReminders(watching);
        if (!live) return;
        for (const r of found) update.current((old) => old.id === r.id, r);
        const settled = found.filter((r) => FINAL.includes(r.status)).map((r) => r.id);
        if (settled.length) setWatching((ids) => ids.filter((id) => !settled.includes(id)));
        if (settled.length === watching.length || Date.now() - started > 120_000) return;
      } catch {
        // try again on the next tick
      }
      if (live) timer = setTimeout(() => void tick(), 2_000);
    };
    timer = setTimeout(() => void tick(), 1_000);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [watching]);

  function filter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    next.set('status', field(form, 'status'));
    if (field(form, 'kind')) next.set('kind', field(form, 'kind'));
    setParams(next);
  }

  async function retry(reminder: Reminder) {
    const answer = await api.POST('/api/v1/admin/reminders/{id}/retry', { params: { path: { id: reminder.id } } });
    if (!answer.data) return setMessage({ tone: 'error', text: problemText(answer.error, 'The reminder was not retried.') });
    list.update((r) => r.id === reminder.id, answer.data);
    setWatching((ids) => [...ids, reminder.id]);
    setMessage({
      tone: 'success',
      text: `The ${kindLabel(reminder.kind).toLowerCase()} email to ${reminder.user.email} is scheduled again; its status below follows it until it is sent.`,
    });
  }

  async function openDashboard() {
    setDashboardBusy(true);
    const answer = await api.POST('/api/v1/admin/queues/session', {});
    setDashboardBusy(false);
    if (!answer.data) return setMessage({ tone: 'error', text: problemText(answer.error, 'The queue dashboard did not open.') });
    window.location.assign(answer.data.url);
  }

  return (
    <>
      <h1>Reminders</h1>
      <p>
        Reminder emails that could not be sent, and every other reminder by status. A retried reminder is sent once by the worker.{' '}
        <button type="button" className="link-button" onClick={() => void openDashboard()} disabled={dashboardBusy}>
          Open the queue dashboard
        </button>{' '}
        (jobs, queues and workers; the link is good for one visit).
      </p>
      <form className="inline-form" onSubmit={filter} key={`${status}|${kind}`} aria-label="Filter reminders">
        <div>
          <label htmlFor="reminder-status">Status</label>
          <select id="reminder-status" name="status" defaultValue={status}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0].toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="reminder-kind">Kind</label>
          <select id="reminder-kind" name="kind" defaultValue={kind}>
            <option value="">Any kind</option>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show</button>
        <button type="button" className="secondary" onClick={list.reload}>
          Refresh
        </button>
      </form>

      {message && <Status tone={message.tone}>{message.text}</Status>}
      {list.error && <Status tone="error">{list.error}</Status>}

      <TableWrap label="Reminders, table">
        <table>
          <caption className="visually-hidden">Reminders with status {status}</caption>
          <thead>
            <tr>
              <th scope="col">Recipient</th>
              <th scope="col">Kind</th>
              <th scope="col">Due</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Status</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  {r.user.name}
                  <br />
                  <span className="muted">{r.user.email}</span>
                </th>
                <td>{kindLabel(r.kind)}</td>
                <td>{formatDateTime(r.scheduledFor, me.timezone)}</td>
                <td>{r.attempts}</td>
                <td>{r.lastError ?? ''}</td>
                <td>
                  <span className={`badge status-${r.status}`}>{r.status}</span>
                  {r.sentAt && <span className="muted"> {formatDateTime(r.sentAt, me.timezone)}</span>}
                  {r.skipReason && <span className="muted"> ({r.skipReason.replace(/_/g, ' ')})</span>}
                </td>
                <td>
                  {r.status === 'failed' && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void retry(r)}
                      aria-label={`Retry ${kindLabel(r.kind).toLowerCase()} email to ${r.user.email}`}
                    >
                      Retry
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {!list.loading && !list.error && list.items.length === 0 && <p>No {status} reminders.</p>}
      {list.loading && <p className="loading">Loading reminders…</p>}
      {list.more && !list.loading && (
        <button type="button" className="secondary" onClick={list.loadMore}>
          Load more
        </button>
      )}
    </>
  );
}
