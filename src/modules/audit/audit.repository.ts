import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../../common/pagination';
import { AuditEntry } from './entities/audit-entry.entity';

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, entry: Partial<AuditEntry>): Promise<void> {
    await manager.getRepository(AuditEntry).insert(entry as never);
  }

  /** Many rows in one statement. */
  async insertMany(
    manager: EntityManager,
    entries: Array<Pick<AuditEntry, 'actorId' | 'action' | 'entity' | 'entityId' | 'before' | 'after' | 'requestId'>>,
  ): Promise<void> {
    if (!entries.length) return;
    await manager.query(
      `INSERT INTO audit_log (actor_id, action, entity, entity_id, before, after, request_id)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::uuid[], $5::jsonb[], $6::jsonb[], $7::varchar[])`,
      [
        entries.map((e) => e.actorId),
        entries.map((e) => e.action),
        entries.map((e) => e.entity),
        entries.map((e) => e.entityId),
        entries.map((e) => (e.before === null ? null : JSON.stringify(e.before))),
        entries.map((e) => (e.after === null ? null : JSON.stringify(e.after))),
        entries.map((e) => e.requestId),
      ],
    );
  }

  /** Newest first; keyset on (created_at, id) so concurrent inserts never shift pages. */
  async list(filter: AuditFilter, after: Keyset | null, limit: number): Promise<AuditEntry[]> {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a');
    if (filter.entity) qb.andWhere('a.entity = :entity', { entity: filter.entity });
    if (filter.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) qb.andWhere('a.action = :action', { action: filter.action });
    if (after) qb.andWhere('(a.created_at, a.id) < (:at, :id)', { at: after.at, id: after.id });
    return qb
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }
}
