import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { CourseStructureCache } from './course-structure.cache';
import { ProgressIngestService } from './progress-ingest.service';
import { ProgressReportRepository } from './progress-report.repository';
import { ProgressReportService } from './progress-report.service';
import { ProgressController } from './progress.controller';
import { ProgressRepository } from './progress.repository';
import { ProgressWritesRepository } from './progress-writes.repository';
import { ProgressService } from './progress.service';

@Module({
  imports: [CoursesModule],
  controllers: [ProgressController],
  providers: [
    CourseStructureCache,
    ProgressRepository,
    ProgressWritesRepository,
    ProgressIngestService,
    ProgressService,
    ProgressReportRepository,
    ProgressReportService,
  ],
  exports: [ProgressRepository],
})
export class ProgressModule {}
