import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { trimmed } from '../../../common/transforms';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { SLUG_PATTERN } from '../../../common/slug';
import { Material, MATERIAL_KINDS, MaterialKind } from '../entities/material.entity';

export type { MaterialKind };
export { MATERIAL_KINDS };

export class MaterialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'advice-for-peace-ending-civil-war-in-colombia' }) slug: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: MATERIAL_KINDS }) kind: MaterialKind;
  @ApiProperty() summary: string;
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty({ nullable: true, type: Number }) durationSeconds: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uri', description: 'WebVTT captions for the player' }) captionsUrl: string | null;
  @ApiProperty({ type: [String] }) authors: string[];
  @ApiProperty({ type: [String], example: ['diplomatic negotiations', 'great negotiator award'] }) tags: string[];
  @ApiProperty({ format: 'date', nullable: true, type: String }) publishedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({
    description:
      'Only in `GET /materials?q=`: the title (and, when the summary matches, " — " and up to two fragments of it) as HTML: all text escaped, matched words in <mark>…</mark>, no other tags',
    example: 'Advice for Peace: Ending Civil War in <mark>Colombia</mark>',
  })
  highlight?: string;

  static from(m: Material): MaterialDto {
    return {
      id: m.id,
      slug: m.slug,
      title: m.title,
      kind: m.kind,
      summary: m.summary,
      url: m.url,
      durationSeconds: m.durationSeconds,
      captionsUrl: m.captionsUrl,
      authors: m.authors,
      tags: m.tags,
      publishedAt: m.publishedAt,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  }
}

export class MaterialPageDto {
  @ApiProperty({ type: [MaterialDto] }) data: MaterialDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CreateMaterialDto {
  @ApiProperty({ minLength: 1, maxLength: 300 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional({ description: 'Derived from the title when absent', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case words joined by hyphens' })
  slug?: string;

  @ApiProperty({ enum: MATERIAL_KINDS })
  @IsIn(MATERIAL_KINDS)
  kind: MaterialKind;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(5000)
  summary?: string;

  @ApiProperty({ format: 'uri', maxLength: 2000 })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({
    format: 'uri',
    maxLength: 2000,
    nullable: true,
    type: String,
    description: 'A WebVTT captions track (text/vtt) for the player; null removes it',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  captionsUrl?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 864000, description: 'Required for watch rules on videos' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(864_000)
  durationSeconds?: number;

  @ApiPropertyOptional({ type: [String], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  authors?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 30, description: 'Normalised to lower case, trimmed, unique' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'date', example: '2017-03-01' })
  @IsOptional()
  @IsDateString({ strict: true })
  publishedAt?: string;
}

export class UpdateMaterialDto extends PartialType(CreateMaterialDto) {}

export class MaterialQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Full-text search over title, summary, authors and tags; results ranked', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'crisis negotiations' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tag?: string;

  @ApiPropertyOptional({ enum: MATERIAL_KINDS })
  @IsOptional()
  @IsIn(MATERIAL_KINDS)
  kind?: MaterialKind;
}
