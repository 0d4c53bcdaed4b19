import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, problemText, session, type User } from '../api/client';
import { Status } from '../components/Layout';
import type { Role } from '../roles';
import { field, formatDateTime, must, useTitle } from '../util';
import { ConfirmDialog } from './ConfirmDialog';
import { usePaged } from './paged';
import { TableWrap } from './TableWrap';

const ROLES: Array<{ value: Role; label: string }> = [
  { value: 'student', label: 'Student' },
  { value: 'instructor', label: 'Instructor' },
  { value: 'admin', label: 'Admin' },
];
const roleLabel = (role: Role) => ROLES.find((r) => r.value === role)?.label ?? role;

type Message = { tone: 'success' | 'error'; text: string };

function state(user: User): string {
  if (!user.isActive) return 'Deactivated';
  if (!user.hasPassword) return 'Invited (no password yet)';
  return 'Active';
}

/** /admin/users: find people, add them (with or without a password), change roles, resend invitations, deactivate. */
export function UsersPage() {
  useTitle('People');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const role = (params.get('role') ?? '') as Role | '';
  const [message, setMessage] = useState<Message>();
  const [confirming, setConfirming] = useState<User>();
  const me = session.user!;

  const list = usePaged(
    async (cursor) =>
      must(await api.GET('/api/v1/users', { params: { query: { q: q || undefined, role: role || undefined, cursor, limit: 50 } } })),
    `${q}|${role}`,
  );

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    if (field(form, 'q').trim()) next.set('q', field(form, 'q').trim());
    if (field(form, 'role')) next.set('role', field(form, 'role'));
    setParams(next);
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const password = field(form, 'password');
    const answer = await api.POST('/api/v1/users', {
      body: {
        name: field(form, 'name').trim(),
        email: field(form, 'email').trim(),
        role: field(form, 'role') as Role,
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        ...(password ? { password } : {}),
      },
    });
    if (!answer.data) return setMessage({ tone: 'error', text: problemText(answer.error, 'The account was not created.') });
    const user = answer.data;
    formElement.reset();
    setMessage({
      tone: 'success',
      text: user.hasPassword
        ? `Added ${user.name} (${user.email}) as ${roleLabel(user.role).toLowerCase()}.`
        : `Added ${user.name} (${user.email}) as ${roleLabel(user.role).toLowerCase()}. An invitation email is on its way.`,
    });
    list.reload();
  }

  async function changeRole(user: User, event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = field(new FormData(event.currentTarget), 'role') as Role;
    if (next === user.role) return setMessage({ tone: 'success', text: `${user.name} is already ${roleLabel(next).toLowerCase()}.` });
    const answer = await api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: { role: next } });
    if (!answer.data) return setMessage({ tone: 'error', text: problemText(answer.error, 'The role was not changed.') });
    list.update((u) => u.id === user.id, answer.data);
    setMessage({ tone: 'success', text: `${user.name} is now ${roleLabel(answer.data.role).toLowerCase()}.` });
  }

  async function resend(user: User) {
    const answer = await api.POST('/api/v1/users/{id}/invitation', { params: { path: { id: user.id } } });
    if (!answer.response.ok) return setMessage({ tone: 'error', text: problemText(answer.error, 'The invitation was not sent again.') });
    setMessage({ tone: 'success', text: `A new invitation to ${user.email} is on its way. Links in earlier invitations no longer work.` });
  }

  async function deactivate(user: User) {
    setConfirming(undefined);
    const answer = await api.DELETE('/api/v1/users/{id}', { params: { path: { id: user.id } } });
    if (!answer.response.ok) return setMessage({ tone: 'error', text: problemText(answer.error, 'The account was not deactivated.') });
    list.update((u) => u.id === user.id, { ...user, isActive: false });
    setMessage({ tone: 'success', text: `${user.name} is deactivated and signed out everywhere.` });
  }

  return (
    <>
      <h1>People</h1>
      <form role="search" aria-label="People" className="inline-form" onSubmit={search} key={`${q}|${role}`}>
        <div>
          <label htmlFor="people-q">Name or email</label>
          <input type="search" id="people-q" name="q" defaultValue={q} maxLength={200} />
        </div>
        <div>
          <label htmlFor="people-role">Role</label>
          <select id="people-role" name="role" defaultValue={role}>
            <option value="">Any role</option>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>

      {message && <Status tone={message.tone}>{message.text}</Status>}
      {list.error && <Status tone="error">{list.error}</Status>}

      <TableWrap label="People, table">
        <table>
          <caption className="visually-hidden">People{q || role ? ' matching the search' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Account</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((user) => (
              <tr key={user.id}>
                <th scope="row">{user.name}</th>
                <td>{user.email}</td>
                <td>
                  {user.id === me.id || !user.isActive ? (
                    roleLabel(user.role)
                  ) : (
                    <form className="inline-form compact" onSubmit={(e) => void changeRole(user, e)}>
                      <select name="role" defaultValue={user.role} aria-label={`Role of ${user.name}`}>
                        {ROLES.map((r) => (
                          <option key={r.value} value={r.value}>
                            {r.label}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className="secondary" aria-label={`Save role of ${user.name}`}>
                        Save
                      </button>
                    </form>
                  )}
                </td>
                <td>{state(user)}</td>
                <td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt, me.timezone) : 'Never'}</td>
                <td className="actions">
                  {user.isActive && !user.hasPassword && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void resend(user)}
                      aria-label={`Resend invitation to ${user.name}`}
                    >
                      Resend invitation
                    </button>
                  )}
                  {user.isActive && user.id !== me.id && (
                    <button type="button" className="danger" onClick={() => setConfirming(user)} aria-label={`Deactivate ${user.name}`}>
                      Deactivate
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {!list.loading && !list.error && list.items.length === 0 && <p>Nobody matches.</p>}
      {list.loading && <p className="loading">Loading people…</p>}
      {list.more && !list.loading && (
        <button type="button" className="secondary" onClick={list.loadMore}>
          Load more
        </button>
      )}

      <h2>Add a person</h2>
      <form onSubmit={(e) => void create(e)} className="narrow">
        <label htmlFor="new-name">Name</label>
        <input type="text" id="new-name" name="name" required maxLength={200} autoComplete="off" />
        <label htmlFor="new-email">Email</label>
        <input type="email" id="new-email" name="email" required maxLength={320} autoComplete="off" />
        <label htmlFor="new-role">Role</label>
        <select id="new-role" name="role" defaultValue="student">
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <label htmlFor="new-password">Password (optional)</label>
        <p className="hint" id="new-password-hint">
          Leave it empty to email an invitation with a link to choose one. At least 10 characters.
        </p>
        <input
          type="password"
          id="new-password"
          name="password"
          minLength={10}
          maxLength={200}
          autoComplete="new-password"
          aria-describedby="new-password-hint"
        />
        <button type="submit">Add person</button>
      </form>

      {confirming && (
        <ConfirmDialog
          title={`Deactivate ${confirming.name}?`}
          confirm={`Deactivate ${confirming.name}`}
          onConfirm={() => void deactivate(confirming)}
          onCancel={() => setConfirming(undefined)}
        >
          <p>{confirming.email} is signed out at once and can no longer sign in. Their enrolments and progress are kept.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
