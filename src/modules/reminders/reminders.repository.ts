import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Keyset } from '../../common/pagination';
import { Reminder, ReminderKind, ReminderStatus } from './entities/reminder.entity';

export type ReminderListRow = Reminder & { user: { id: string; name: string; email: string } };

/** The admin API's reads. */
@Injectable()
export class RemindersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string): Promise<Reminder | null> {
    return this.dataSource.getRepository(Reminder).findOne({ where: { id } });
  }

  list(
    filter: { courseId?: string; status?: ReminderStatus; kind?: ReminderKind },
    after: Keyset | null,
    limit: number,
  ): Promise<ReminderListRow[]> {
    const qb = this.dataSource
      .getRepository(Reminder)
      .createQueryBuilder('r')
      .innerJoin('r.user', 'u')
      .addSelect(['u.id', 'u.name', 'u.email']);
    if (filter.courseId) qb.innerJoin('r.enrolment', 'e').andWhere('e.course_id = :courseId', { courseId: filter.courseId });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.kind) qb.andWhere('r.kind = :kind', { kind: filter.kind });
    if (after) qb.andWhere('(r.created_at, r.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb
      .orderBy('r.created_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit + 1)
      .getMany() as Promise<ReminderListRow[]>;
  }

  findWithUser(id: string): Promise<ReminderListRow | null> {
    return this.dataSource
      .getRepository(Reminder)
      .createQueryBuilder('r')
      .innerJoin('r.user', 'u')
      .addSelect(['u.id', 'u.name', 'u.email'])
      .where('r.id = :id', { id })
      .getOne() as Promise<ReminderListRow | null>;
  }
}
