import { api, type Schemas } from './api/client';
import { formatDateTime, must } from './util';

export type ItemView = { item: Schemas['ItemDto']; state: Schemas['ItemStateDto'] };
export type ModuleView = {
  module: Schemas['ModuleDto'];
  progress: Schemas['ModuleProgressDto'];
  lockReason: string | null;
  items: ItemView[];
};
export type CourseView = {
  course: Schemas['CourseDto'];
  progress: Schemas['CourseProgressDto'];
  modules: ModuleView[];
  resume: { module: ModuleView; item: ItemView } | null;
};

export class NotEnrolled extends Error {}

/**
 * A course as its student sees it: the structure (titles, materials, rules, prerequisites) joined
 * with their progress (states and percents, worked out by the server). Emails link by slug.
 */
export async function loadCourse(slug: string, timeZone: string): Promise<CourseView> {
  const enrolments = must(await api.GET('/api/v1/me/enrolments')).data;
  const enrolment = enrolments.find((e) => e.courseSlug === slug && e.status !== 'dropped');
  if (!enrolment) throw new NotEnrolled(slug);
  const id = enrolment.courseId;
  const path = { params: { path: { id } } };
  const [course, structure, progress] = await Promise.all([
    api.GET('/api/v1/courses/{id}', path),
    api.GET('/api/v1/courses/{id}/modules', path),
    api.GET('/api/v1/me/courses/{courseId}/progress', { params: { path: { courseId: id } } }),
  ]);
  const mine = must(progress);
  const byId = new Map(mine.modules.map((m) => [m.id, m]));
  const modules = must(structure).data.flatMap((module): ModuleView[] => {
    const state = byId.get(module.id);
    if (!state) return [];
    const itemStates = new Map(state.items.map((i) => [i.id, i]));
    return [
      {
        module,
        progress: state,
        lockReason: null,
        items: module.items.flatMap((item) => {
          const s = itemStates.get(item.id);
          return s ? [{ item, state: s }] : [];
        }),
      },
    ];
  });
  const title = new Map(modules.map((m) => [m.module.id, m]));
  for (const view of modules) if (view.progress.state === 'locked') view.lockReason = lockReason(view, title, timeZone);
  return { course: must(course), progress: mine, modules, resume: resumePoint(modules) };
}

function lockReason(view: ModuleView, modules: Map<string, ModuleView>, timeZone: string): string {
  const reasons: string[] = [];
  const waiting = view.module.prerequisiteModuleIds
    .map((id) => modules.get(id))
    .filter((m): m is ModuleView => Boolean(m) && m!.progress.state !== 'completed')
    .map((m) => `“${m.module.title}”`);
  if (waiting.length) reasons.push(`Complete ${waiting.join(' and ')} first`);
  if (view.module.unlockAt && new Date(view.module.unlockAt) > new Date())
    reasons.push(`Opens ${formatDateTime(view.module.unlockAt, timeZone)}`);
  return reasons.length ? `${reasons.join('. ')}.` : 'Locked.';
}

/** Where to carry on: an item already started, else the first one not done in an open module. */
function resumePoint(modules: ModuleView[]): CourseView['resume'] {
  const open = modules.filter((m) => m.progress.state !== 'locked');
  for (const wanted of ['in_progress', 'not_started'] as const)
    for (const module of open) {
      const item = module.items.find((i) => i.state.state === wanted);
      if (item) return { module, item };
    }
  return null;
}

export function ruleText(item: Schemas['ItemDto']): string {
  const rule = item.completion;
  const text = rule.type === 'watch' ? `Watch at least ${rule.minPercent ?? 100} %` : rule.type === 'view' ? 'Open it' : 'Mark it as done';
  return item.required ? text : `${text} (optional)`;
}

export const MODULE_STATE: Record<Schemas['ModuleProgressDto']['state'], string> = {
  locked: 'Locked',
  available: 'Available',
  in_progress: 'In progress',
  completed: 'Completed',
};

export const ITEM_STATE: Record<Schemas['ItemStateDto']['state'], string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
};

export const KIND_TEXT: Record<Schemas['MaterialDto']['kind'], string> = {
  video: 'Video',
  case_study: 'Case study',
  role_play: 'Role play',
  article: 'Article',
  teaching_note: 'Teaching note',
  book: 'Book',
};
