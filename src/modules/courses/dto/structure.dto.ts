import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { trimmed } from '../../../common/transforms';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ArrayDistinct, IsIsoInstant, ISO_INSTANT_EXAMPLE } from '../../../common/validators';
import { MaterialDto } from '../../materials/dto/material.dto';
import { CompletionRule } from '../entities/course-item.entity';
import {
  DESCRIPTION_MAX,
  ITEMS_PER_MODULE_MAX,
  ITEM_IDS_MAX_ITEMS,
  MODULES_PER_COURSE_MAX,
  MODULE_IDS_MAX_ITEMS,
  PREREQUISITES_MAX_ITEMS,
  TITLE_MAX,
} from '../../../common/limits';

export const COMPLETION_TYPES = ['view', 'watch', 'mark_done'] as const;

export class CompletionDto {
  @ApiProperty({ enum: COMPLETION_TYPES })
  @IsIn(COMPLETION_TYPES)
  type: CompletionRule['type'];

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Required for watch (videos only); not allowed otherwise' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  minPercent?: number;
}

export class ItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) moduleId: string;
  @ApiProperty() position: number;
  @ApiProperty() required: boolean;
  @ApiProperty({ type: CompletionDto }) completion: CompletionRule;
  @ApiProperty({ type: MaterialDto }) material: MaterialDto;
}

export class ModuleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ maxLength: TITLE_MAX }) title: string;
  @ApiProperty({ maxLength: DESCRIPTION_MAX }) description: string;
  @ApiProperty() position: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) unlockAt: string | null;
  @ApiProperty({ type: [String], format: 'uuid', maxItems: PREREQUISITES_MAX_ITEMS }) prerequisiteModuleIds: string[];
  @ApiProperty({ type: [ItemDto], maxItems: ITEMS_PER_MODULE_MAX }) items: ItemDto[];
}

export class ModuleListDto {
  @ApiProperty({ type: [ModuleDto], maxItems: MODULES_PER_COURSE_MAX }) data: ModuleDto[];
}

export class CreateModuleDto {
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX })
  @Transform(trimmed)
  @IsString()
  @Length(1, TITLE_MAX)
  title: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Locked for students until then; with a time zone offset (Z or ±HH:MM)',
    example: ISO_INSTANT_EXAMPLE,
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsIsoInstant()
  unlockAt?: string | null;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: PREREQUISITES_MAX_ITEMS,
    description: 'Modules of the same course that must be completed first',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PREREQUISITES_MAX_ITEMS)
  @ArrayDistinct()
  @IsUUID('all', { each: true })
  prerequisiteModuleIds?: string[];
}

/** Every field optional; `unlockAt: null` removes the lock; `prerequisiteModuleIds` replaces the list. */
export class UpdateModuleDto extends PartialType(CreateModuleDto) {}

export class ReorderModulesDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Every module of the course, once, in the new order',
    maxItems: MODULE_IDS_MAX_ITEMS,
  })
  @IsArray()
  @ArrayMaxSize(MODULE_IDS_MAX_ITEMS)
  @ArrayDistinct()
  @IsUUID('all', { each: true })
  moduleIds: string[];
}

export class ReorderItemsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Every item of the module, once, in the new order',
    maxItems: ITEM_IDS_MAX_ITEMS,
  })
  @IsArray()
  @ArrayMaxSize(ITEM_IDS_MAX_ITEMS)
  @ArrayDistinct()
  @IsUUID('all', { each: true })
  itemIds: string[];
}

export class CreateItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  materialId: string;

  @ApiPropertyOptional({ default: true, description: 'Counts towards module and course completion' })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiProperty({ type: CompletionDto, example: { type: 'watch', minPercent: 90 } })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CompletionDto)
  completion: CompletionDto;
}

export class UpdateItemDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Moves the item to the end of another module of the same course' })
  @IsOptional()
  @IsUUID()
  moduleId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ type: CompletionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CompletionDto)
  completion?: CompletionDto;
}
