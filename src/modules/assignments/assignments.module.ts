import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CoursesModule } from '../courses/courses.module';
import { EnrolmentsModule } from '../enrolments/enrolments.module';
import { ReminderScheduleModule } from '../reminders/reminders.module';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentsService } from './assignments.service';

@Module({
  imports: [AuditModule, CoursesModule, EnrolmentsModule, ReminderScheduleModule],
  controllers: [AssignmentsController],
  providers: [AssignmentsRepository, AssignmentsService],
  exports: [AssignmentsService],
})
export class AssignmentsModule {}
