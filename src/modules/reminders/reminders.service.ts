import { Injectable } from '@nestjs/common';
import { Caller } from '../../common/auth.decorators';
import { Conflict, NotFound } from '../../common/errors';
import { decodeCursor, Page, pageLimit, toPage } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { CourseAccess } from '../courses/course-access';
import { ReminderDto, ReminderQuery } from './dto/reminder.dto';
import { ReminderRetry } from './reminder-retry';
import { RemindersRepository } from './reminders.repository';
import { DataSource } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';

@Injectable()
export class RemindersService {
  constructor(
    private readonly reminders: RemindersRepository,
    private readonly retries: ReminderRetry,
    private readonly access: CourseAccess,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async list(caller: Caller, courseId: string | undefined, query: ReminderQuery): Promise<Page<ReminderDto>> {
    if (courseId) await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    const limit = pageLimit(query);
    const rows = await this.reminders.list({ courseId, status: query.status, kind: query.kind }, decodeCursor(query.cursor), limit);
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.createdAt.toISOString(), id: r.id }),
      (r) => ReminderDto.from(r),
    );
  }

  /** failed → scheduled; the dispatcher then sends it once. */
  async retry(caller: Caller, id: string, requestId?: string): Promise<ReminderDto> {
    const before = await this.reminders.findById(id);
    if (!before) throw new NotFound('Reminder');
    if (!(await this.retries.retry(id)))
      throw new Conflict(`Only failed reminders can be retried; this one is ${before.status}`, 'not-failed');
    await this.audit.record(this.dataSource.manager, {
      actorId: caller.id,
      requestId,
      action: 'reminder.retried',
      entity: 'reminder',
      entityId: id,
      before: { status: before.status, lastError: before.lastError },
    });
    const after = await this.reminders.findWithUser(id);
    if (!after) throw new NotFound('Reminder');
    return ReminderDto.from(after);
  }
}
