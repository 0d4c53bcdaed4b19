import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { CourseStructureCache } from './course-structure.cache';
import { CourseViewRepository } from './course-view.repository';
import { ProgressAdmissionRepository } from './progress-admission.repository';
import { ProgressIngestService } from './progress-ingest.service';
import { ProgressReportRepository } from './progress-report.repository';
import { ProgressReportService } from './progress-report.service';
import { ProgressController } from './progress.controller';
import { ProgressWritesRepository } from './progress-writes.repository';
import { ProgressService } from './progress.service';

@Module({
  imports: [CoursesModule],
  controllers: [ProgressController],
  providers: [
    CourseStructureCache,
    ProgressAdmissionRepository,
    CourseViewRepository,
    ProgressWritesRepository,
    ProgressIngestService,
    ProgressService,
    ProgressReportRepository,
    ProgressReportService,
  ],
})
export class ProgressModule {}
