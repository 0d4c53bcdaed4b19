import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { Status } from '../components/Layout';
import { must, useLoad, useTitle } from '../util';

/** The page behind "Stop these emails": no sign-in needed, the signed link is the permission. */
export function UnsubscribePage() {
  useTitle('Email preferences');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const scope = useLoad(async () => must(await api.GET('/api/v1/notifications/unsubscribe', { params: { query: { token } } })), token);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string>();

  async function confirm() {
    const { response } = await api.POST('/api/v1/notifications/unsubscribe', { body: { token } });
    if (response.ok) setDone(true);
    else setError('That did not work. Open the link from the email again.');
  }

  if (scope.error)
    return (
      <section className="narrow">
        <h1>This link is not valid</h1>
        <p>It may have been changed or cut short. Use the link from the email again.</p>
      </section>
    );
  if (!scope.data) return <p className="loading">Loading…</p>;
  return (
    <section className="narrow">
      <h1>{done ? 'Unsubscribed' : `Stop ${scope.data.label}?`}</h1>
      {done ? (
        <Status tone="success">You will no longer get {scope.data.label} from Accord.</Status>
      ) : (
        <>
          {error && <Status tone="error">{error}</Status>}
          <button type="button" onClick={() => void confirm()}>
            Unsubscribe
          </button>
        </>
      )}
      <p>
        You can turn them back on in your <Link to="/preferences">email preferences</Link>.
      </p>
    </section>
  );
}
