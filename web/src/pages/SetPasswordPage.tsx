import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { setPassword } from '../api/client';
import { Status } from '../components/Layout';
import { field, useTitle } from '../util';
import { safeNext } from './SignInPage';

const MIN_LENGTH = 10;

/** Where invitation, welcome and password-reset emails lead: choose a password, and you are signed in. */
export function SetPasswordPage() {
  const [params] = useSearchParams();
  const reset = params.get('reset') === '1';
  useTitle(reset ? 'Choose a new password' : 'Choose your password');
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = field(form, 'password');
    if (password !== field(form, 'confirm')) return setError('The two passwords are not the same.');
    setBusy(true);
    const result = await setPassword(token, password);
    setBusy(false);
    if (result.user) void navigate(safeNext(params.get('next')), { replace: true });
    else setError(`${result.error ?? 'That did not work.'} Ask for a new link if this one has expired or was used.`);
  }

  if (!token)
    return (
      <section className="narrow">
        <h1>This link is not complete</h1>
        <p>
          Open the link from your email again, or <Link to="/forgot-password">ask for a new one</Link>.
        </p>
      </section>
    );

  return (
    <section className="narrow">
      <h1>{reset ? 'Choose a new password' : 'Choose your Accord password'}</h1>
      {error && <Status tone="error">{error}</Status>}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="password">New password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_LENGTH}
          maxLength={200}
          required
          aria-describedby="password-hint"
        />
        <p id="password-hint" className="hint">
          At least {MIN_LENGTH} characters.
        </p>
        <label htmlFor="confirm">New password again</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" minLength={MIN_LENGTH} maxLength={200} required />
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Set password and sign in'}
        </button>
      </form>
      {error && (
        <p>
          <Link to="/forgot-password">Send me a new link</Link>
        </p>
      )}
    </section>
  );
}
