import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MaterialsController } from './materials.controller';
import { MaterialsRepository } from './materials.repository';
import { MaterialsService } from './materials.service';

@Module({
  imports: [AuditModule],
  controllers: [MaterialsController],
  providers: [MaterialsRepository, MaterialsService],
  exports: [MaterialsService],
})
export class MaterialsModule {}
