import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { Status } from '../components/Layout';
import { field, useTitle } from '../util';

export function ForgotPasswordPage() {
  useTitle('Forgot password');
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = field(new FormData(event.currentTarget), 'email');
    const { response } = await api.POST('/api/v1/auth/password-reset', { body: { email } });
    if (response.status === 202) return setSent(email);
    setError(response.status === 429 ? 'Too many requests. Wait a while, then try again.' : 'That did not work. Check the email address.');
  }

  return (
    <section className="narrow">
      <h1>Forgot your password?</h1>
      {sent ? (
        <Status tone="success">
          If {sent} has an Accord account, we have sent it a link to choose a new password. The link works once and expires soon.
        </Status>
      ) : (
        <>
          <p>Enter the email you sign in with, and we will send you a link to choose a new password.</p>
          {error && <Status tone="error">{error}</Status>}
          <form onSubmit={(e) => void submit(e)}>
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" autoComplete="email" required />
            <button type="submit">Send me a link</button>
          </form>
        </>
      )}
      <p>
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </section>
  );
}
