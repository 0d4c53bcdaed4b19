import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, session, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { field, formatDateTime, must, useTitle } from '../util';
import { usePaged } from './paged';
import { TableWrap } from './TableWrap';

type Entry = Schemas['AuditEntryDto'];
type Entity = 'user' | 'course' | 'module' | 'item' | 'material' | 'enrolment' | 'cohort' | 'assignment' | 'reminder';
const ENTITIES: Entity[] = ['user', 'course', 'module', 'item', 'material', 'enrolment', 'cohort', 'assignment', 'reminder'];
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const isUuid = (value: string) => new RegExp(`^${UUID}$`).test(value);

/** Who the actors are: names for the ids on the page, looked up once each. */
function useNames(ids: string[]): Map<string, string> {
  const [names, setNames] = useState(new Map<string, string>());
  const missing = ids.filter((id) => !names.has(id));
  const key = [...new Set(missing)].sort().join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    void Promise.all(
      key.split(',').map(async (id) => {
        const answer = await api.GET('/api/v1/users/{id}', { params: { path: { id } } }).catch(() => undefined);
        return [id, answer?.data ? `${answer.data.name} (${answer.data.email})` : 'unknown user'] as const;
      }),
    ).then((pairs) => live && setNames((old) => new Map([...old, ...pairs])));
    return () => void (live = false);
  }, [key]);
  return names;
}

function Changes({ entry }: { entry: Entry }) {
  if (!entry.before && !entry.after) return <span className="muted">none recorded</span>;
  return (
    <details>
      <summary>Show changes</summary>
      {entry.before && (
        <>
          <h3 className="change-label">Before</h3>
          <pre>{JSON.stringify(entry.before, null, 2)}</pre>
        </>
      )}
      {entry.after && (
        <>
          <h3 className="change-label">After</h3>
          <pre>{JSON.stringify(entry.after, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

/** /admin/audit: who changed what and when, newest first, filtered by entity, id, actor and action. */
export function AuditPage() {
  useTitle('Audit log');
  const [params, setParams] = useSearchParams();
  const entity = (params.get('entity') ?? '') as Entity | '';
  const entityId = params.get('entityId') ?? '';
  const actorId = params.get('actorId') ?? '';
  const action = params.get('action') ?? '';
  const [invalid, setInvalid] = useState<string>();
  const me = session.user!;

  const list = usePaged(
    async (cursor) =>
      must(
        await api.GET('/api/v1/admin/audit', {
          params: {
            query: {
              entity: entity || undefined,
              entityId: entityId || undefined,
              actorId: actorId || undefined,
              action: action || undefined,
              cursor,
              limit: 50,
            },
          },
        }),
      ),
    params.toString(),
  );
  const names = useNames(list.items.map((e) => e.actorId).filter((id): id is string => Boolean(id)));

  function filter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of ['entity', 'entityId', 'actorId', 'action']) {
      const value = field(form, name).trim();
      if (value) next.set(name, value);
    }
    for (const name of ['entityId', 'actorId']) {
      const value = next.get(name);
      if (value && !isUuid(value))
        return setInvalid(`${name === 'entityId' ? 'Entity id' : 'Actor id'} must be an id such as 3f2b…-… (36 characters).`);
    }
    setInvalid(undefined);
    setParams(next);
  }

  const filtered = Boolean(entity || entityId || actorId || action);

  return (
    <>
      <h1>Audit log</h1>
      <form className="inline-form audit-filters" onSubmit={filter} key={params.toString()} aria-label="Filter the audit log">
        <div>
          <label htmlFor="audit-entity">Entity</label>
          <select id="audit-entity" name="entity" defaultValue={entity}>
            <option value="">Any entity</option>
            {ENTITIES.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-action">Action</label>
          <input
            type="text"
            id="audit-action"
            name="action"
            defaultValue={action}
            placeholder="user.created"
            aria-describedby="audit-action-hint"
          />
          <p className="hint" id="audit-action-hint">
            Exact, e.g. user.deactivated
          </p>
        </div>
        <div>
          <label htmlFor="audit-entity-id">Entity id</label>
          <input type="text" id="audit-entity-id" name="entityId" defaultValue={entityId} spellCheck={false} autoComplete="off" />
        </div>
        <div>
          <label htmlFor="audit-actor-id">Actor id</label>
          <input type="text" id="audit-actor-id" name="actorId" defaultValue={actorId} spellCheck={false} autoComplete="off" />
        </div>
        <button type="submit">Filter</button>
        {filtered && (
          <Link to="/admin/audit" className="clear-filters">
            Show everything
          </Link>
        )}
      </form>
      {invalid && <Status tone="error">{invalid}</Status>}
      {list.error && <Status tone="error">{list.error}</Status>}

      <TableWrap label="Audit entries, table">
        <table>
          <caption className="visually-hidden">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Entity</th>
              <th scope="col">Actor</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((entry) => {
              const actor = entry.actorId;
              const target = entry.entityId;
              return (
                <tr key={entry.id}>
                  <th scope="row">{formatDateTime(entry.createdAt, me.timezone)}</th>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    {entry.entity}
                    {target && (
                      <>
                        <br />
                        <Link
                          to={`/admin/audit?entity=${encodeURIComponent(entry.entity)}&entityId=${target}`}
                          className="id"
                          aria-label={`All entries for ${entry.entity} ${target}`}
                        >
                          {target}
                        </Link>
                      </>
                    )}
                  </td>
                  <td>
                    {actor ? (
                      <Link to={`/admin/audit?actorId=${actor}`} aria-label={`All entries by ${names.get(actor) ?? actor}`}>
                        {names.get(actor) ?? actor}
                      </Link>
                    ) : (
                      <span className="muted">the system</span>
                    )}
                  </td>
                  <td>
                    <Changes entry={entry} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      {!list.loading && !list.error && list.items.length === 0 && <p>No entries{filtered ? ' match these filters' : ''}.</p>}
      {list.loading && <p className="loading">Loading the audit log…</p>}
      {list.more && !list.loading && (
        <button type="button" className="secondary" onClick={list.loadMore}>
          Load more
        </button>
      )}
    </>
  );
}
