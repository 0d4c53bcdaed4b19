import { Module } from '@nestjs/common';
import { EnrolmentsRepository } from './enrolments.repository';

@Module({
  providers: [EnrolmentsRepository],
  exports: [EnrolmentsRepository],
})
export class EnrolmentsModule {}
