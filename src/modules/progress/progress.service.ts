import { Injectable } from '@nestjs/common';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput, NotFound } from '../../common/errors';
import { CourseProgressDto, ItemStateDto, ModuleProgressDto, ModuleState } from './dto/progress.dto';
import { isLocked } from './progress-rules';
import { ProgressRepository } from './progress.repository';
import { ProgressWritesRepository } from './progress-writes.repository';

const round = (n: number) => Math.round(n * 10) / 10;

/** The student's own progress: the course view and marking mark_done items. */
@Injectable()
export class ProgressService {
  constructor(
    private readonly progress: ProgressRepository,
    private readonly writes: ProgressWritesRepository,
    private readonly clock: Clock,
  ) {}

  async courseProgress(caller: Caller, courseId: string): Promise<CourseProgressDto> {
    const rows = await this.progress.courseView(caller.id, courseId);
    if (!rows) throw new NotFound('Course');
    const now = this.clock.now();
    const requiredOf = new Map(rows.map((m) => [m.id, m.items.filter((i) => i.required).length]));
    const completed = new Map(rows.map((m) => [m.id, m.completed || requiredOf.get(m.id) === 0]));
    let requiredItems = 0;
    let completedItems = 0;
    const modules: ModuleProgressDto[] = rows.map((m) => {
      const items: ItemStateDto[] = m.items.map((i) => ({
        id: i.id,
        state: i.state ?? 'not_started',
        percent: round(i.percent ?? 0),
        positionSeconds: i.positionSeconds ?? null,
        evidenced: i.evidenced,
        coveredPercent: i.coveredPercent === null ? null : round(i.coveredPercent),
      }));
      const required = m.items.filter((i) => i.required);
      const counted = required.length ? required : m.items;
      const done = counted.filter((i) => i.state === 'completed').length;
      requiredItems += required.length;
      completedItems += required.filter((i) => i.state === 'completed').length;
      const locked = isLocked({ unlockAt: m.unlock_at ? new Date(m.unlock_at) : null, prerequisites: m.prerequisites }, (id) => completed.get(id) ?? false, now);
      const moduleCompleted = m.completed || (required.length === 0 && counted.length > 0 && done === counted.length);
      const state: ModuleState = moduleCompleted ? 'completed' : locked ? 'locked' : m.items.some((i) => i.state) ? 'in_progress' : 'available';
      return {
        id: m.id,
        title: m.title,
        state,
        percent: counted.length ? round((100 * done) / counted.length) : 100,
        dueAt: m.due_at ? new Date(m.due_at).toISOString() : null,
        items,
      };
    });
    return { percent: requiredItems ? round((100 * completedItems) / requiredItems) : 0, completedItems, requiredItems, modules };
  }

  /** Marks a mark_done item completed (idempotent). */
  async complete(caller: Caller, itemId: string): Promise<ItemStateDto> {
    const [item] = await this.progress.itemWithEnrolment(itemId, caller.id);
    if (!item || !item.enrolment_id || item.course_status !== 'published') throw new NotFound('Item');
    if (item.rule !== 'mark_done') throw new InvalidInput(`Only mark_done items are completed this way; this one is judged by its ${item.rule} rule`, [{ field: 'itemId', message: `the item's rule is ${item.rule}` }]);
    const now = this.clock.now();
    const completions = await this.progress.completions([item.enrolment_id]);
    const prerequisites = await this.progress.prerequisites([item.module_id]);
    const done = (id: string) => completions.has(`${item.enrolment_id}:${id}`) || prerequisites.find((p) => p.prerequisite_id === id)?.required === 0;
    if (isLocked({ unlockAt: item.unlock_at, prerequisites: prerequisites.map((p) => p.prerequisite_id) }, done, now)) throw new Conflict('The module is locked', 'module-locked');
    const enrolmentId = item.enrolment_id;
    await this.writes.locked(caller.id, [enrolmentId], async (writer) => {
      await writer.markDone(enrolmentId, itemId, now);
      await writer.refreshEnrolments([enrolmentId], now);
    });
    return { id: itemId, state: 'completed', percent: 100, positionSeconds: null, evidenced: true, coveredPercent: null };
  }
}
