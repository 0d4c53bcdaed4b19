import { useState, type FormEvent } from 'react';
import { api, problemText, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { KIND_TEXT } from '../course-data';
import { field } from '../util';

type Material = Schemas['MaterialDto'] & { highlight?: string };

/**
 * Full-text search of the catalogue (title, summary, authors, tags), filtered by kind and tag,
 * with the matched words highlighted by the server (it escapes everything but the <mark> tags).
 */
export function CatalogueSearch({
  modules,
  onAdd,
}: {
  modules: Schemas['ModuleDto'][];
  onAdd: (moduleId: string, material: Material) => Promise<boolean>;
}) {
  const [results, setResults] = useState<Material[]>();
  const [error, setError] = useState<string>();
  const [target, setTarget] = useState<string>('');
  const moduleId = target || modules[0]?.id || '';

  async function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const kind = field(form, 'kind') as Schemas['MaterialDto']['kind'] | '';
    const { data, error } = await api.GET('/api/v1/materials', {
      params: { query: { q: field(form, 'q') || undefined, kind: kind || undefined, tag: field(form, 'tag') || undefined, limit: 50 } },
    });
    if (data) {
      setResults(data.data);
      setError(undefined);
    } else setError(problemText(error, 'The search did not work.'));
  }

  return (
    <section aria-labelledby="catalogue">
      <h2 id="catalogue">Add from the catalogue</h2>
      <form role="search" aria-label="Catalogue" onSubmit={(e) => void search(e)} className="inline-form">
        <div>
          <label htmlFor="q">Words</label>
          <input id="q" name="q" type="search" placeholder="e.g. Colombia" />
        </div>
        <div>
          <label htmlFor="kind">Kind</label>
          <select id="kind" name="kind" defaultValue="">
            <option value="">Any</option>
            {Object.entries(KIND_TEXT).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="tag">Tag</label>
          <input id="tag" name="tag" type="text" />
        </div>
        <button type="submit">Search</button>
      </form>
      {error && <Status tone="error">{error}</Status>}
      {results && (
        <>
          <p role="status">
            {results.length === 0 ? 'Nothing matches.' : `${results.length} material${results.length === 1 ? '' : 's'} found.`}
          </p>
          {modules.length > 0 && results.length > 0 && (
            <>
              <label htmlFor="target-module">Add to module</label>
              <select id="target-module" value={moduleId} onChange={(e) => setTarget(e.target.value)}>
                {modules.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.title}
                  </option>
                ))}
              </select>
            </>
          )}
          <ul className="results">
            {results.map((m) => (
              <li key={m.id}>
                {m.highlight ? (
                  // The server escapes the text and adds only <mark> tags (GET /materials?q=…: highlight).
                  <span className="item-title" dangerouslySetInnerHTML={{ __html: m.highlight }} />
                ) : (
                  <span className="item-title">{m.title}</span>
                )}
                <span className="item-meta">
                  {KIND_TEXT[m.kind]}
                  {m.tags.length > 0 && ` · ${m.tags.join(', ')}`}
                </span>
                {modules.length > 0 && (
                  <button type="button" className="secondary" aria-label={`Add ${m.title}`} onClick={() => void onAdd(moduleId, m)}>
                    Add
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
