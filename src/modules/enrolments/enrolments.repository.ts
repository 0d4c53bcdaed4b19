import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Enrolment, EnrolmentStatus } from './entities/enrolment.entity';

@Injectable()
export class EnrolmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Enrols each user once; existing enrolments are left as they are. Returns how many were created. */
  async insertMissing(courseId: string, userIds: string[], status: EnrolmentStatus): Promise<number> {
    if (!userIds.length) return 0;
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Enrolment)
      .values(userIds.map((userId) => ({ courseId, userId, status, activatedAt: status === 'active' ? new Date() : null })))
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length;
  }
}
