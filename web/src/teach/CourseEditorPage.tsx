import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { TimeZoneSelect } from '../components/TimeZoneSelect';
import { KIND_TEXT } from '../course-data';
import { NotFoundPage } from '../pages/NotFoundPage';
import { field, must, useLoad, useTitle } from '../util';
import { CatalogueSearch } from './CatalogueSearch';
import { CourseNav } from './CourseNav';
import { useWriter, type Write } from './writer';
import { describeInstant, utcToZoned, zonedToUtc } from './zoned';

type Course = Schemas['CourseDto'];
type Module = Schemas['ModuleDto'];
type Item = Schemas['ItemDto'];

/** Moves `ids[from]` by `delta` places; the new order (unchanged when it would leave the list). */
export function moved<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

/** Drag and drop for a list: the dragged id travels in the drag data; dropping on a row puts it there. */
function dragProps(id: string, onDrop: (draggedId: string) => void) {
  return {
    draggable: true,
    onDragStart: (e: React.DragEvent) => e.dataTransfer.setData('text/x-accord-id', id),
    onDragOver: (e: React.DragEvent) => e.preventDefault(),
    onDrop: (e: React.DragEvent) => {
      e.preventDefault();
      const dragged = e.dataTransfer.getData('text/x-accord-id');
      if (dragged && dragged !== id) onDrop(dragged);
    },
  };
}

/** The course editor: settings and lifecycle, modules and items in order, the catalogue to add from. */
export function CourseEditorPage() {
  const { id = '' } = useParams();
  const { round, message, write } = useWriter();
  const [focusAfter, setFocusAfter] = useState<string>();
  const loaded = useLoad(async () => {
    const path = { params: { path: { id } } };
    const [course, modules] = await Promise.all([api.GET('/api/v1/courses/{id}', path), api.GET('/api/v1/courses/{id}/modules', path)]);
    return { course: must(course), modules: must(modules).data };
  }, `${id}:${round}`);
  useTitle(loaded.data ? `Edit ${loaded.data.course.title}` : 'Course editor');
  useEffect(() => {
    // Keyboard reordering: the moved row's button keeps the focus after the list is redrawn.
    if (focusAfter && loaded.data) document.getElementById(focusAfter)?.focus();
  }, [loaded.data, focusAfter]);

  if (loaded.error)
    return (loaded.error as Error & { status?: number }).status === 404 ? (
      <NotFoundPage what="course" />
    ) : (
      <Status tone="error">{loaded.error.message}</Status>
    );
  if (!loaded.data) return <p className="loading">Loading the course…</p>;
  const { course, modules } = loaded.data;

  const reorderModules = (order: Module[], focus?: string) => {
    setFocusAfter(focus);
    return write(
      api.PUT('/api/v1/courses/{id}/modules/order', { params: { path: { id } }, body: { moduleIds: order.map((m) => m.id) } }),
      'Modules reordered.',
    );
  };

  return (
    <>
      <CourseNav courseId={id} />
      <h1>{course.title}</h1>
      <Lifecycle course={course} write={write} />
      {message && <Status tone={message.tone}>{message.text}</Status>}
      <CourseSettings course={course} write={write} />
      <h2>Modules</h2>
      {modules.length === 0 && <p>No modules yet: add the first one below.</p>}
      <ol className="editor-list">
        {modules.map((module, index) => (
          <li
            key={module.id}
            className="editor-module"
            {...dragProps(module.id, (dragged) => {
              const from = modules.findIndex((m) => m.id === dragged);
              void reorderModules(moved(modules, from, index));
            })}
          >
            <ModuleEditor
              course={course}
              module={module}
              modules={modules}
              write={write}
              onMove={(delta) =>
                void reorderModules(moved(modules, index, index + delta), moveFocus(module.id, index + delta, modules.length, delta))
              }
              setFocusAfter={setFocusAfter}
            />
          </li>
        ))}
      </ol>
      <AddModule courseId={id} write={write} />
      <CatalogueSearch
        modules={modules}
        onAdd={(moduleId, material) =>
          write(
            api.POST('/api/v1/modules/{id}/items', {
              params: { path: { id: moduleId } },
              body: {
                materialId: material.id,
                required: true,
                completion: material.kind === 'video' ? { type: 'watch', minPercent: 90 } : { type: 'view' },
              },
            }),
            `Added “${material.title}”.`,
          )
        }
      />
    </>
  );
}

/**
 * After a keyboard move the moved row's button keeps the focus: the same direction, or the other
 * one when the row reached the end and that button is now disabled.
 */
function moveFocus(id: string, to: number, length: number, delta: number): string {
  const atEnd = delta < 0 ? to === 0 : to === length - 1;
  const direction = delta < 0 !== atEnd ? 'up' : 'down';
  return `${direction}-${id}`;
}

function Lifecycle({ course, write }: { course: Course; write: Write }) {
  const path = { params: { path: { id: course.id } } };
  return (
    <p className="module-meta">
      <span
        className={`badge badge-${course.status === 'published' ? 'completed' : course.status === 'archived' ? 'locked' : 'available'}`}
      >
        {course.status === 'draft' ? 'Draft' : course.status === 'published' ? 'Published' : 'Archived'}
      </span>{' '}
      {course.status === 'draft' && (
        <button
          type="button"
          onClick={() => void write(api.POST('/api/v1/courses/{id}/publish', path), 'Published: enrolled students can see it.')}
        >
          Publish
        </button>
      )}{' '}
      {course.status !== 'archived' && (
        <button
          type="button"
          className="secondary"
          onClick={() =>
            window.confirm(`Archive “${course.title}”? Students will no longer see it.`) &&
            void write(api.POST('/api/v1/courses/{id}/archive', path), 'Archived.')
          }
        >
          Archive
        </button>
      )}
      {course.status === 'archived' && (
        <button type="button" onClick={() => void write(api.POST('/api/v1/courses/{id}/unarchive', path), 'Back from the archive.')}>
          Unarchive
        </button>
      )}
    </p>
  );
}

function CourseSettings({ course, write }: { course: Course; write: Write }) {
  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const minutes = (name: string) => Number(field(form, name));
    await write(
      api.PATCH('/api/v1/courses/{id}', {
        params: { path: { id: course.id } },
        body: {
          title: field(form, 'title'),
          description: field(form, 'description'),
          timezone: field(form, 'timezone'),
          reminderPolicy: {
            dueSoonMinutesBefore: minutes('dueSoon') * 60,
            overdueMinutesAfter: minutes('overdue') * 60,
            inactivityDays: minutes('inactivity'),
          },
        },
      }),
      'Course settings saved.',
    );
  }
  const policy = course.reminderPolicy;
  return (
    <details className="settings">
      <summary>Course settings</summary>
      <form onSubmit={(e) => void save(e)}>
        <label htmlFor="course-title">Title</label>
        <input id="course-title" name="title" type="text" required maxLength={300} defaultValue={course.title} />
        <label htmlFor="course-description">Description</label>
        <textarea id="course-description" name="description" rows={3} defaultValue={course.description} />
        <label htmlFor="course-timezone">Time zone</label>
        <TimeZoneSelect id="course-timezone" name="timezone" value={course.timezone} />
        <fieldset>
          <legend>Reminders</legend>
          <label htmlFor="dueSoon">Due-soon reminder, hours before the due date</label>
          <input id="dueSoon" name="dueSoon" type="number" min={0} max={720} step="any" defaultValue={policy.dueSoonMinutesBefore / 60} />
          <label htmlFor="overdue">Overdue reminder, hours after the due date</label>
          <input id="overdue" name="overdue" type="number" min={0} max={720} step="any" defaultValue={policy.overdueMinutesAfter / 60} />
          <label htmlFor="inactivity">Inactivity nudge after this many quiet days</label>
          <input id="inactivity" name="inactivity" type="number" min={1} max={365} defaultValue={policy.inactivityDays} />
        </fieldset>
        <button type="submit">Save settings</button>
      </form>
    </details>
  );
}

function ModuleEditor({
  course,
  module,
  modules,
  write,
  onMove,
  setFocusAfter,
}: {
  course: Course;
  module: Module;
  modules: Module[];
  write: Write;
  onMove: (delta: number) => void;
  setFocusAfter: (id: string | undefined) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [unlockText, setUnlockText] = useState(module.unlockAt ? utcToZoned(module.unlockAt, course.timezone) : '');
  const index = modules.findIndex((m) => m.id === module.id);
  const others = modules.filter((m) => m.id !== module.id);
  const unlockUtc = unlockText ? zonedToUtc(unlockText, course.timezone) : null;
  const titleOf = new Map(modules.map((m) => [m.id, m.title]));

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const ok = await write(
      api.PATCH('/api/v1/modules/{id}', {
        params: { path: { id: module.id } },
        body: {
          title: field(form, 'title'),
          description: field(form, 'description'),
          unlockAt: unlockUtc ?? null,
          prerequisiteModuleIds: form.getAll('prerequisites').map(String),
        },
      }),
      `Module “${field(form, 'title')}” saved.`,
    );
    if (ok) setEditing(false);
  }

  const reorderItems = (order: Item[], focus?: string) => {
    setFocusAfter(focus);
    return write(
      api.PUT('/api/v1/modules/{id}/items/order', { params: { path: { id: module.id } }, body: { itemIds: order.map((i) => i.id) } }),
      'Items reordered.',
    );
  };

  return (
    <section aria-labelledby={`module-${module.id}`}>
      <h3 id={`module-${module.id}`}>{module.title}</h3>
      <p className="module-meta">
        {module.unlockAt ? `Opens ${describeInstant(module.unlockAt, course.timezone)}` : 'Open from the start'}
        {module.prerequisiteModuleIds.length > 0 &&
          ` · After ${module.prerequisiteModuleIds.map((p) => `“${titleOf.get(p) ?? '?'}”`).join(', ')}`}
      </p>
      <div className="inline-form">
        <button
          id={`up-${module.id}`}
          type="button"
          className="secondary"
          disabled={index === 0}
          aria-label={`Move module ${module.title} up`}
          onClick={() => onMove(-1)}
        >
          ↑ Up
        </button>
        <button
          id={`down-${module.id}`}
          type="button"
          className="secondary"
          disabled={index === modules.length - 1}
          aria-label={`Move module ${module.title} down`}
          onClick={() => onMove(1)}
        >
          ↓ Down
        </button>
        <button type="button" className="secondary" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {editing ? 'Close' : `Edit module`}
        </button>
        <button
          type="button"
          className="danger"
          aria-label={`Delete module ${module.title}`}
          onClick={() =>
            window.confirm(`Delete the module “${module.title}” and its items?`) &&
            void write(api.DELETE('/api/v1/modules/{id}', { params: { path: { id: module.id } } }), 'Module deleted.')
          }
        >
          Delete
        </button>
      </div>
      {editing && (
        <form onSubmit={(e) => void save(e)} aria-label={`Edit module ${module.title}`}>
          <label htmlFor={`title-${module.id}`}>Title</label>
          <input id={`title-${module.id}`} name="title" type="text" required maxLength={300} defaultValue={module.title} />
          <label htmlFor={`description-${module.id}`}>Description</label>
          <textarea id={`description-${module.id}`} name="description" rows={2} defaultValue={module.description} />
          <label htmlFor={`unlock-${module.id}`}>Opens at ({course.timezone}; empty: open from the start)</label>
          <input
            id={`unlock-${module.id}`}
            type="datetime-local"
            value={unlockText}
            onChange={(e) => setUnlockText(e.target.value)}
            aria-describedby={`unlock-utc-${module.id}`}
          />
          <p id={`unlock-utc-${module.id}`} className="hint">
            {unlockUtc ? describeInstant(unlockUtc, course.timezone) : 'No unlock date.'}
          </p>
          {others.length > 0 && (
            <fieldset>
              <legend>Complete these modules first</legend>
              {others.map((other) => (
                <div className="check" key={other.id}>
                  <input
                    type="checkbox"
                    id={`pre-${module.id}-${other.id}`}
                    name="prerequisites"
                    value={other.id}
                    defaultChecked={module.prerequisiteModuleIds.includes(other.id)}
                  />
                  <label htmlFor={`pre-${module.id}-${other.id}`}>{other.title}</label>
                </div>
              ))}
            </fieldset>
          )}
          <button type="submit">Save module</button>
        </form>
      )}
      <ol className="editor-list">
        {module.items.map((item, i) => (
          <li
            key={item.id}
            className="editor-item"
            {...dragProps(item.id, (dragged) => {
              const from = module.items.findIndex((x) => x.id === dragged);
              if (from >= 0) void reorderItems(moved(module.items, from, i));
            })}
          >
            <ItemEditor
              item={item}
              write={write}
              first={i === 0}
              last={i === module.items.length - 1}
              onMove={(delta) =>
                void reorderItems(moved(module.items, i, i + delta), moveFocus(item.id, i + delta, module.items.length, delta))
              }
            />
          </li>
        ))}
      </ol>
      {module.items.length === 0 && <p className="muted">No items: add some from the catalogue below.</p>}
    </section>
  );
}

function ItemEditor({
  item,
  write,
  first,
  last,
  onMove,
}: {
  item: Item;
  write: Write;
  first: boolean;
  last: boolean;
  onMove: (delta: number) => void;
}) {
  const [rule, setRule] = useState(item.completion.type);
  const title = item.material.title;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const completion: Schemas['CompletionDto'] =
      rule === 'watch' ? { type: 'watch', minPercent: Number(field(form, 'minPercent')) } : { type: rule };
    await write(
      api.PATCH('/api/v1/items/{id}', { params: { path: { id: item.id } }, body: { required: form.has('required'), completion } }),
      `“${title}” saved.`,
    );
  }

  return (
    <form className="item-form" onSubmit={(e) => void save(e)} aria-label={`Item ${title}`}>
      <span className="item-title">
        {title} <span className="muted">({KIND_TEXT[item.material.kind]})</span>
      </span>
      <div className="inline-form">
        <div>
          <label htmlFor={`rule-${item.id}`}>Completed when</label>
          <select id={`rule-${item.id}`} value={rule} onChange={(e) => setRule(e.target.value as typeof rule)}>
            <option value="view">opened</option>
            <option value="watch">watched (videos)</option>
            <option value="mark_done">marked as done</option>
          </select>
        </div>
        {rule === 'watch' && (
          <div>
            <label htmlFor={`min-${item.id}`}>Minimum %</label>
            <input
              id={`min-${item.id}`}
              name="minPercent"
              type="number"
              min={1}
              max={100}
              required
              defaultValue={item.completion.minPercent ?? 90}
            />
          </div>
        )}
        <div className="check">
          <input id={`required-${item.id}`} name="required" type="checkbox" defaultChecked={item.required} />
          <label htmlFor={`required-${item.id}`}>Required</label>
        </div>
        <button type="submit">Save</button>
        <button
          id={`up-${item.id}`}
          type="button"
          className="secondary"
          disabled={first}
          aria-label={`Move ${title} up`}
          onClick={() => onMove(-1)}
        >
          ↑
        </button>
        <button
          id={`down-${item.id}`}
          type="button"
          className="secondary"
          disabled={last}
          aria-label={`Move ${title} down`}
          onClick={() => onMove(1)}
        >
          ↓
        </button>
        <button
          type="button"
          className="danger"
          aria-label={`Remove ${title}`}
          onClick={() => void write(api.DELETE('/api/v1/items/{id}', { params: { path: { id: item.id } } }), `Removed “${title}”.`)}
        >
          Remove
        </button>
      </div>
    </form>
  );
}

function AddModule({ courseId, write }: { courseId: string; write: Write }) {
  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const ok = await write(
      api.POST('/api/v1/courses/{id}/modules', {
        params: { path: { id: courseId } },
        body: { title: field(form, 'title'), description: field(form, 'description') },
      }),
      `Module “${field(form, 'title')}” added.`,
    );
    if (ok) formElement.reset();
  }
  return (
    <section aria-labelledby="add-module">
      <h2 id="add-module">Add a module</h2>
      <form onSubmit={(e) => void add(e)}>
        <label htmlFor="new-module-title">Title</label>
        <input id="new-module-title" name="title" type="text" required maxLength={300} />
        <label htmlFor="new-module-description">Description</label>
        <textarea id="new-module-description" name="description" rows={2} />
        <button type="submit">Add module</button>
      </form>
    </section>
  );
}
