import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Conflict, NotFound } from '../../common/errors';
import { escapeHtml } from '../../common/html';
import { decodeKeys, Page, pageLimit, toPage } from '../../common/pagination';
import { slugify, uniqueSlug } from '../../common/slug';
import { AuditService } from '../audit/audit.service';
import { ActorContext } from '../users/users.service';
import { CreateMaterialDto, MaterialDto, MaterialQuery, UpdateMaterialDto } from './dto/material.dto';
import { Material } from './entities/material.entity';
import { MATCH_END, MATCH_START, MaterialHeadline, MaterialsRepository } from './materials.repository';

/** Lower case, trimmed, single-spaced, unique, in first-seen order. */
export function normaliseTags(tags: string[] | undefined): string[] {
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    const clean = tag.trim().toLowerCase().replace(/\s+/g, ' ');
    if (clean) seen.add(clean);
  }
  return [...seen];
}

/**
 * The headline as HTML the web app can render: everything escaped, then only the match markers
 * become <mark> elements. Title, then " — " and the summary's fragments when the summary matched.
 */
export function highlightHtml(headline: MaterialHeadline): string {
  const text = headline.summary ? `${headline.title} — ${headline.summary}` : headline.title;
  return escapeHtml(text).replaceAll(MATCH_START, '<mark>').replaceAll(MATCH_END, '</mark>');
}

const snapshot = (m: Material) => ({
  slug: m.slug,
  title: m.title,
  kind: m.kind,
  url: m.url,
  captionsUrl: m.captionsUrl,
  durationSeconds: m.durationSeconds,
  tags: m.tags,
  authors: m.authors,
});

@Injectable()
export class MaterialsService {
  constructor(
    private readonly materials: MaterialsRepository,
    private readonly audit: AuditService,
  ) {}

  async create(input: CreateMaterialDto, actor: ActorContext): Promise<MaterialDto> {
    const slug = input.slug ?? (await uniqueSlug(slugify(input.title), (slug) => this.materials.slugTaken(slug)));
    const material = await this.materials.transaction(async (manager) => {
      const created = await this.materials.insert(manager, {
        slug,
        title: input.title,
        kind: input.kind,
        summary: input.summary ?? '',
        url: input.url,
        captionsUrl: input.captionsUrl ?? null,
        durationSeconds: input.durationSeconds ?? null,
        authors: (input.authors ?? []).map((a) => a.trim()),
        tags: normaliseTags(input.tags),
        publishedAt: input.publishedAt ?? null,
        createdBy: actor.actorId,
      });
      await this.audit.record(manager, {
        ...actor,
        action: 'material.created',
        entity: 'material',
        entityId: created.id,
        after: snapshot(created),
      });
      return created;
    });
    return MaterialDto.from(material);
  }

  /** For course items: the material, read inside the caller's transaction. */
  findById(id: string, manager?: EntityManager): Promise<Material | null> {
    return this.materials.findById(id, manager);
  }

  /** Seeding: inserts or updates materials by slug in one statement; returns slug → id. */
  upsertBySlug(rows: Array<Partial<Material>>): Promise<Map<string, string>> {
    return this.materials.upsertBySlug(rows);
  }

  async get(id: string): Promise<MaterialDto> {
    return MaterialDto.from(await this.require(id));
  }

  async list(query: MaterialQuery): Promise<Page<MaterialDto>> {
    const limit = pageLimit(query);
    const q = query.q?.trim() || undefined;
    const after = decodeKeys(query.cursor, q ? ['number', 'uuid'] : ['date', 'uuid']);
    const rows = await this.materials.list({ q, tag: query.tag, kind: query.kind }, after, limit);
    const headlines = q
      ? await this.materials.headlines(
          rows.slice(0, limit).map((m) => m.id),
          q,
        )
      : null;
    return toPage(
      rows,
      limit,
      (m) => (q ? [m.rank ?? 0, m.id] : [m.createdAt.toISOString(), m.id]),
      (m) => {
        const dto = MaterialDto.from(m);
        const headline = headlines?.get(m.id);
        return headline ? { ...dto, highlight: highlightHtml(headline) } : dto;
      },
    );
  }

  async update(id: string, input: UpdateMaterialDto, actor: ActorContext): Promise<MaterialDto> {
    const material = await this.materials.transaction(async (manager) => {
      const before = await this.materials.findById(id, manager);
      if (!before) throw new NotFound('Material');
      const changes: Partial<Material> = {};
      if (input.title !== undefined) changes.title = input.title;
      if (input.slug !== undefined) changes.slug = input.slug;
      if (input.kind !== undefined) changes.kind = input.kind;
      if (input.summary !== undefined) changes.summary = input.summary;
      if (input.url !== undefined) changes.url = input.url;
      if (input.captionsUrl !== undefined) changes.captionsUrl = input.captionsUrl;
      if (input.durationSeconds !== undefined) changes.durationSeconds = input.durationSeconds;
      if (input.authors !== undefined) changes.authors = input.authors.map((a) => a.trim());
      if (input.tags !== undefined) changes.tags = normaliseTags(input.tags);
      if (input.publishedAt !== undefined) changes.publishedAt = input.publishedAt;
      if (changes.kind && changes.kind !== 'video' && (await this.materials.usedByWatchItems(manager, id))) {
        throw new Conflict('Items with a watch rule use this video; change those items before changing its kind', 'material-in-use');
      }
      const after = await this.materials.update(manager, id, changes);
      await this.audit.record(manager, {
        ...actor,
        action: 'material.updated',
        entity: 'material',
        entityId: id,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
    return MaterialDto.from(material);
  }

  async delete(id: string, actor: ActorContext): Promise<void> {
    await this.materials.transaction(async (manager) => {
      const before = await this.materials.findById(id, manager);
      if (!before) throw new NotFound('Material');
      const courses = await this.materials.coursesUsing(id, manager);
      if (courses.length) throw new Conflict(`The material is used by items in: ${courses.join(', ')}`, 'material-in-use');
      await this.materials.delete(manager, id);
      await this.audit.record(manager, {
        ...actor,
        action: 'material.deleted',
        entity: 'material',
        entityId: id,
        before: snapshot(before),
      });
    });
  }

  private async require(id: string): Promise<Material> {
    const material = await this.materials.findById(id);
    if (!material) throw new NotFound('Material');
    return material;
  }
}
