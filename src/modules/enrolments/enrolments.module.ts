import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CoursesModule } from '../courses/courses.module';
import { ReminderScheduleModule } from '../reminders/reminders.module';
import { UsersModule } from '../users/users.module';
import { EnrolmentImportService } from './enrolment-import.service';
import { CourseEnrolmentsController, EnrolmentsController } from './enrolments.controller';
import { EnrolmentsRepository } from './enrolments.repository';
import { EnrolmentsService } from './enrolments.service';

@Module({
  imports: [AuditModule, CoursesModule, ReminderScheduleModule, UsersModule],
  controllers: [CourseEnrolmentsController, EnrolmentsController],
  providers: [EnrolmentsRepository, EnrolmentsService, EnrolmentImportService],
  exports: [EnrolmentsService],
})
export class EnrolmentsModule {}
