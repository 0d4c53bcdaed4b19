import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MaterialsModule } from '../materials/materials.module';
import { UsersModule } from '../users/users.module';
import { CourseAccess } from './course-access';
import { CoursesController, ItemsController, ModulesController } from './courses.controller';
import { CoursesRepository } from './courses.repository';
import { CoursesService } from './courses.service';
import { StructureRepository } from './structure.repository';
import { StructureService } from './structure.service';

@Module({
  imports: [AuditModule, MaterialsModule, UsersModule],
  controllers: [CoursesController, ModulesController, ItemsController],
  providers: [CoursesRepository, CourseAccess, CoursesService, StructureRepository, StructureService],
  exports: [CourseAccess, CoursesService, StructureService],
})
export class CoursesModule {}
