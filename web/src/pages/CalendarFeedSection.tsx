import { useState } from 'react';
import { api, problemText, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { must, useLoad } from '../util';

type Link = Schemas['CalendarLinkDto'];

/** The secret calendar feed of the user's due dates: shown with a copy button, and replaceable if it leaks. */
export function CalendarFeedSection({ userId }: { userId: string }) {
  const loaded = useLoad(async () => must(await api.GET('/api/v1/me/calendar')), userId);
  const [link, setLink] = useState<Link>();
  const [result, setResult] = useState<{ tone: 'success' | 'error'; text: string }>();
  const current = link ?? loaded.data;

  async function copy() {
    if (!current) return;
    try {
      await navigator.clipboard.writeText(current.url);
      setResult({ tone: 'success', text: 'Link copied.' });
    } catch {
      const input = document.getElementById('calendarUrl') as HTMLInputElement | null;
      input?.select();
      setResult({ tone: 'error', text: 'Your browser did not let us copy: the link is selected, copy it with Ctrl+C (⌘C).' });
    }
  }

  async function rotate() {
    const answer = await api.POST('/api/v1/me/calendar/rotate');
    if (!answer.data) return setResult({ tone: 'error', text: problemText(answer.error, 'The link was not replaced.') });
    setLink(answer.data);
    setResult({ tone: 'success', text: 'New link ready. The old link no longer works: update your calendar app.' });
  }

  return (
    <section aria-labelledby="calendar-heading" className="preferences">
      <h2 id="calendar-heading">Calendar feed</h2>
      <p id="calendar-hint" className="hint">
        Subscribe to this private link in Google Calendar, Outlook or Apple Calendar to see your due dates there. Anyone with the link can
        see them: keep it to yourself, and replace it if it leaks. Add <code>?alarm=60</code> to the link for a reminder an hour before each
        due date.
      </p>
      {loaded.error && <Status tone="error">{loaded.error.message}</Status>}
      {!current && !loaded.error && <p className="loading">Loading your calendar link…</p>}
      {current && (
        <>
          <label htmlFor="calendarUrl">Calendar feed URL</label>
          <input
            id="calendarUrl"
            type="text"
            readOnly
            value={current.url}
            aria-describedby="calendar-hint"
            onFocus={(e) => e.target.select()}
          />
          <div className="row feed-actions">
            <button type="button" onClick={() => void copy()}>
              Copy calendar link
            </button>
            <a href={current.webcalUrl}>Open in your calendar app</a>
            <button type="button" onClick={() => void rotate()}>
              Replace calendar link
            </button>
          </div>
        </>
      )}
      {result && <Status tone={result.tone}>{result.text}</Status>}
    </section>
  );
}
