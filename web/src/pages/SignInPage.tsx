import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { session, signIn } from '../api/client';
import { Status } from '../components/Layout';
import { field, useTitle } from '../util';

/** Only paths inside the app: a crafted ?next= must not send anyone to another site. */
export const safeNext = (next: string | null) => (next && /^\/(?!\/)/.test(next) ? next : '/');

export function SignInPage() {
  useTitle('Sign in');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (session.user) return <Navigate to={next} replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await signIn(field(form, 'email'), field(form, 'password'));
    setBusy(false);
    if (result.user) void navigate(next, { replace: true });
    else setError(result.error);
  }

  return (
    <section className="narrow">
      <h1>Sign in to Accord</h1>
      {error && <Status tone="error">{error}</Status>}
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </section>
  );
}
