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
import {
  AUTHORS_MAX_ITEMS,
  AUTHOR_MAX,
  CURSOR_MAX,
  HIGHLIGHT_MAX,
  PAGE_LIMIT_MAX,
  SEARCH_MAX,
  SLUG_MAX,
  SUMMARY_MAX,
  TAGS_MAX_ITEMS,
  TAG_MAX,
  TITLE_MAX,
  URL_MAX,
} from '../../../common/limits';

export type { MaterialKind };
export { MATERIAL_KINDS };

export class MaterialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: SLUG_MAX, pattern: SLUG_PATTERN.source, example: 'advice-for-peace-ending-civil-war-in-colombia' })
  slug: string;
  @ApiProperty({ maxLength: TITLE_MAX }) title: string;
  @ApiProperty({ enum: MATERIAL_KINDS }) kind: MaterialKind;
  @ApiProperty({ maxLength: SUMMARY_MAX }) summary: string;
  @ApiProperty({ format: 'uri' }) url: string;
  @ApiProperty({ nullable: true, type: Number }) durationSeconds: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uri', description: 'WebVTT captions for the player' }) captionsUrl: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: AUTHOR_MAX }, maxItems: AUTHORS_MAX_ITEMS }) authors: string[];
  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: TAG_MAX },
    maxItems: TAGS_MAX_ITEMS,
    example: ['diplomatic negotiations', 'great negotiator award'],
  })
  tags: string[];
  @ApiProperty({ format: 'date', nullable: true, type: String }) publishedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({
    description:
      'Only in `GET /materials?q=`: the title (and, when the summary matches, " — " and up to two fragments of it) as HTML: all text escaped, matched words in <mark>…</mark>, no other tags',
    maxLength: HIGHLIGHT_MAX,
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
  @ApiProperty({ type: [MaterialDto], maxItems: PAGE_LIMIT_MAX }) data: MaterialDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}

export class CreateMaterialDto {
  @ApiProperty({ minLength: 1, maxLength: TITLE_MAX })
  @Transform(trimmed)
  @IsString()
  @Length(1, TITLE_MAX)
  title: string;

  @ApiPropertyOptional({ description: 'Derived from the title when absent', maxLength: SLUG_MAX, pattern: SLUG_PATTERN.source })
  @IsOptional()
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case words joined by hyphens' })
  slug?: string;

  @ApiProperty({ enum: MATERIAL_KINDS })
  @IsIn(MATERIAL_KINDS)
  kind: MaterialKind;

  @ApiPropertyOptional({ maxLength: SUMMARY_MAX })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(SUMMARY_MAX)
  summary?: string;

  @ApiProperty({ format: 'uri', maxLength: URL_MAX })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(URL_MAX)
  url: string;

  @ApiPropertyOptional({
    format: 'uri',
    maxLength: URL_MAX,
    nullable: true,
    type: String,
    description: 'A WebVTT captions track (text/vtt) for the player; null removes it',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(URL_MAX)
  captionsUrl?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 864000, description: 'Required for watch rules on videos' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(864_000)
  durationSeconds?: number;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: 1, maxLength: AUTHOR_MAX }, maxItems: AUTHORS_MAX_ITEMS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(AUTHORS_MAX_ITEMS)
  @IsString({ each: true })
  @Length(1, AUTHOR_MAX, { each: true })
  authors?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: TAG_MAX },
    maxItems: TAGS_MAX_ITEMS,
    description: 'Normalised to lower case, trimmed, unique',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TAGS_MAX_ITEMS)
  @IsString({ each: true })
  @Length(1, TAG_MAX, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'date', example: '2017-03-01' })
  @IsOptional()
  @IsDateString({ strict: true })
  publishedAt?: string;
}

export class UpdateMaterialDto extends PartialType(CreateMaterialDto) {}

export class MaterialQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Full-text search over title, summary, authors and tags; results ranked', maxLength: SEARCH_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(SEARCH_MAX)
  q?: string;

  @ApiPropertyOptional({ example: 'crisis negotiations', maxLength: TAG_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(TAG_MAX)
  tag?: string;

  @ApiPropertyOptional({ enum: MATERIAL_KINDS })
  @IsOptional()
  @IsIn(MATERIAL_KINDS)
  kind?: MaterialKind;
}
