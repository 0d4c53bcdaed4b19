import { Injectable } from '@nestjs/common';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput, NotFound } from '../../common/errors';
import { CourseAccess } from '../courses/course-access';
import { CourseProgressDto, EnrolmentProgressDto, ItemStateDto, ModuleState } from './dto/progress.dto';
import { isLocked, itemPercent, percentOf, roundPercent } from './progress-rules';
import { CourseViewRepository, CourseViewRow } from './course-view.repository';
import { ProgressAdmissionRepository } from './progress-admission.repository';
import { ProgressWritesRepository } from './progress-writes.repository';

/**
 * The student's own progress (the course view, marking mark_done items) and the same view of one
 * enrolment for the course's instructors. Module completion is read from module_completions and
 * percentages come from percentOf, as the enrolment list, assignments and the report do, so every
 * view gives the same answer (the rows are kept current by accord_derive_enrolments).
 */
@Injectable()
export class ProgressService {
  constructor(
    private readonly views: CourseViewRepository,
    private readonly admission: ProgressAdmissionRepository,
    private readonly writes: ProgressWritesRepository,
    private readonly access: CourseAccess,
    private readonly clock: Clock,
  ) {}

  async courseProgress(caller: Caller, courseId: string): Promise<CourseProgressDto> {
    const rows = await this.views.courseView(caller.id, courseId);
    if (!rows) throw new NotFound('Course');
    const view = this.view(rows);
    return { ...view, modules: view.modules.map(({ items, ...m }) => ({ ...m, items: items.map(({ lastActivityAt: _, ...i }) => i) })) };
  }

  /** `GET /courses/:id/enrolments/:enrolmentId/progress`: the student's view, with each item's last activity. */
  async enrolmentProgress(caller: Caller, courseId: string, enrolmentId: string): Promise<EnrolmentProgressDto> {
    await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    const userId = await this.views.enrolmentStudent(courseId, enrolmentId);
    const rows = userId ? await this.views.courseView(userId, courseId) : null;
    if (!userId || !rows) throw new NotFound('Enrolment');
    return { enrolmentId, userId, ...this.view(rows) };
  }

  private view(rows: CourseViewRow[]): Omit<EnrolmentProgressDto, 'enrolmentId' | 'userId'> {
    const now = this.clock.now();
    // Prerequisites without required items never lock (as admission judges them).
    const completed = new Map(rows.map((m) => [m.id, m.completed || !m.items.some((i) => i.required)]));
    let requiredItems = 0;
    let completedItems = 0;
    const modules = rows.map((m) => {
      const items = m.items.map((i) => ({
        id: i.id,
        state: i.state ?? ('not_started' as const),
        percent: itemPercent(i.state ?? 'not_started', i.percent, i.coveredPercent),
        positionSeconds: i.positionSeconds ?? null,
        evidenced: i.evidenced,
        coveredPercent: i.coveredPercent === null ? null : roundPercent(i.coveredPercent),
        lastActivityAt: i.updatedAt ? new Date(i.updatedAt).toISOString() : null,
        material: i.material,
      }));
      const required = m.items.filter((i) => i.required);
      const done = required.filter((i) => i.state === 'completed').length;
      requiredItems += required.length;
      completedItems += done;
      const locked = isLocked(
        { unlockAt: m.unlock_at ? new Date(m.unlock_at) : null, prerequisites: m.prerequisites },
        (id) => completed.get(id) ?? false,
        now,
      );
      const state: ModuleState = m.completed ? 'completed' : locked ? 'locked' : m.items.some((i) => i.state) ? 'in_progress' : 'available';
      return {
        id: m.id,
        title: m.title,
        state,
        // A module with items but none required is complete, as accord_derive_enrolments records it; one without items is not yet.
        percent: required.length ? percentOf(done, required.length) : m.items.length ? 100 : 0,
        dueAt: m.due_at ? new Date(m.due_at).toISOString() : null,
        items,
      };
    });
    return { percent: percentOf(completedItems, requiredItems), completedItems, requiredItems, modules };
  }

  /** Marks a mark_done item completed (idempotent). */
  async complete(caller: Caller, itemId: string): Promise<ItemStateDto> {
    const [item] = await this.admission.itemWithEnrolment(itemId, caller.id);
    if (!item || !item.enrolment_id || item.course_status !== 'published') throw new NotFound('Item');
    if (item.rule !== 'mark_done')
      throw new InvalidInput(`Only mark_done items are completed this way; this one is judged by its ${item.rule} rule`, [
        { field: 'itemId', message: `the item's rule is ${item.rule}` },
      ]);
    const now = this.clock.now();
    const completions = await this.admission.completions([item.enrolment_id]);
    const prerequisites = await this.admission.prerequisites([item.module_id]);
    const done = (id: string) =>
      completions.has(`${item.enrolment_id}:${id}`) || prerequisites.find((p) => p.prerequisite_id === id)?.required === 0;
    if (isLocked({ unlockAt: item.unlock_at, prerequisites: prerequisites.map((p) => p.prerequisite_id) }, done, now))
      throw new Conflict('The module is locked', 'module-locked');
    const enrolmentId = item.enrolment_id;
    await this.writes.locked(caller.id, [enrolmentId], async (writer) => {
      await writer.markDone(enrolmentId, itemId, now);
      await writer.refreshEnrolments([enrolmentId], now);
    });
    return { id: itemId, state: 'completed', percent: 100, positionSeconds: null, evidenced: true, coveredPercent: null };
  }
}
