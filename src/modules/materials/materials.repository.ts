import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionalRepository } from '../../common/transactional.repository';
import { Material, MaterialKind } from './entities/material.entity';

export interface MaterialFilter {
  q?: string;
  tag?: string;
  kind?: MaterialKind;
}

export type RankedMaterial = Material & { rank?: number };

/** Private-use characters that mark a match in ts_headline's output; removed from the text first, so they mark nothing else. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';

export interface MaterialHeadline {
  /** The whole title, matches marked. */
  title: string;
  /** Up to two fragments of the summary around its matches, or null when the summary has none. */
  summary: string | null;
}

@Injectable()
export class MaterialsRepository extends TransactionalRepository {
  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Material | null> {
    return manager.getRepository(Material).findOne({ where: { id } });
  }

  findBySlug(slug: string): Promise<Material | null> {
    return this.dataSource.getRepository(Material).findOne({ where: { slug } });
  }

  async slugTaken(slug: string): Promise<boolean> {
    return (await this.dataSource.getRepository(Material).count({ where: { slug } })) > 0;
  }

  async insert(manager: EntityManager, material: Partial<Material>): Promise<Material> {
    const result = await manager.getRepository(Material).insert(material);
    return manager.getRepository(Material).findOneByOrFail({ id: result.identifiers[0].id as string });
  }

  async update(manager: EntityManager, id: string, changes: Partial<Material>): Promise<Material> {
    await manager.getRepository(Material).update({ id }, changes);
    return manager.getRepository(Material).findOneByOrFail({ id });
  }

  /** Insert or refresh by slug (idempotent seeding); returns slug → id. */
  async upsertBySlug(rows: Array<Partial<Material>>): Promise<Map<string, string>> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(Material)
      .values(rows)
      .orUpdate(['title', 'kind', 'summary', 'url', 'captions_url', 'duration_seconds', 'authors', 'tags'], ['slug'])
      .returning(['id', 'slug'])
      .execute();
    return new Map((result.raw as Array<{ id: string; slug: string }>).map((r) => [r.slug, r.id]));
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Material).delete({ id });
  }

  /** Titles of the courses whose items use the material. */
  async coursesUsing(id: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: Array<{ title: string }> = await manager.query(
      `SELECT DISTINCT c.title FROM items i JOIN modules m ON m.id = i.module_id JOIN courses c ON c.id = m.course_id
       WHERE i.material_id = $1 ORDER BY c.title`,
      [id],
    );
    return rows.map((r) => r.title);
  }

  async usedByWatchItems(manager: EntityManager, id: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM items WHERE material_id = $1 AND completion->>'type' = 'watch' LIMIT 1`, [
      id,
    ]);
    return rows.length > 0;
  }

  /**
   * ts_headline of the title (whole) and of the summary (fragments, only when it matches) for the
   * materials of one page: a second query over at most a page of ids, so no other row pays for it.
   */
  async headlines(ids: string[], q: string): Promise<Map<string, MaterialHeadline>> {
    if (!ids.length) return new Map();
    const marks = `StartSel=${MATCH_START}, StopSel=${MATCH_END}`;
    const rows: Array<{ id: string; title: string; summary: string | null }> = await this.dataSource.query(
      `WITH query AS (SELECT websearch_to_tsquery('english', $2) AS q)
       SELECT m.id,
              ts_headline('english', translate(m.title, $3, ''), query.q, $4) AS title,
              CASE WHEN to_tsvector('english', m.summary) @@ query.q
                   THEN ts_headline('english', translate(m.summary, $3, ''), query.q, $5) END AS summary
       FROM materials m, query WHERE m.id = ANY($1::uuid[])`,
      [
        ids,
        q,
        MATCH_START + MATCH_END,
        `${marks}, HighlightAll=true`,
        `${marks}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "`,
      ],
    );
    return new Map(rows.map((r) => [r.id, { title: r.title, summary: r.summary }]));
  }

  /**
   * Without q: newest first, keyset (created_at, id). With q: ranked by ts_rank_cd, keyset (rank, id);
   * websearch syntax, English stemming.
   */
  async list(filter: MaterialFilter, after: Array<string | number> | null, limit: number): Promise<RankedMaterial[]> {
    const qb = this.dataSource.getRepository(Material).createQueryBuilder('m');
    if (filter.kind) qb.andWhere('m.kind = :kind', { kind: filter.kind });
    if (filter.tag) qb.andWhere(':tag = ANY(m.tags)', { tag: filter.tag.trim().toLowerCase() });
    if (filter.q) {
      qb.addSelect("ts_rank_cd(m.search, websearch_to_tsquery('english', :q))", 'rank')
        .andWhere("m.search @@ websearch_to_tsquery('english', :q)", { q: filter.q })
        .orderBy('rank', 'DESC')
        .addOrderBy('m.id', 'ASC');
      if (after) {
        qb.andWhere(
          "(ts_rank_cd(m.search, websearch_to_tsquery('english', :q)) < :rank OR (ts_rank_cd(m.search, websearch_to_tsquery('english', :q)) = :rank AND m.id > :afterId))",
          { rank: after[0], afterId: after[1] },
        );
      }
      const { entities, raw } = await qb.limit(limit + 1).getRawAndEntities<{ rank: number }>();
      return entities.map((e, i) => Object.assign(e, { rank: Number(raw[i].rank) }));
    }
    if (after) qb.andWhere('(m.created_at, m.id) < (:at, :afterId)', { at: after[0], afterId: after[1] });
    return qb
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }
}
