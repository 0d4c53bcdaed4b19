import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { decodeCursor, Page, pageLimit, PageQuery, toPage } from '../../common/pagination';
import { AuditFilter, AuditRepository } from './audit.repository';
import { AuditEntry } from './entities/audit-entry.entity';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before?: object | null;
  after?: object | null;
  requestId?: string | null;
}

const row = (record: AuditRecord) => ({
  actorId: record.actorId,
  action: record.action,
  entity: record.entity,
  entityId: record.entityId,
  before: (record.before ?? null) as Record<string, unknown> | null,
  after: (record.after ?? null) as Record<string, unknown> | null,
  requestId: record.requestId ?? null,
});

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** Call inside the transaction of the change, so the row exists exactly when the change does. */
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await this.audit.insert(manager, row(record));
  }

  /** Set-based variant (bulk changes): one statement, inside the transaction of the change. */
  async recordMany(manager: EntityManager, records: AuditRecord[]): Promise<void> {
    await this.audit.insertMany(manager, records.map(row));
  }

  async list(filter: AuditFilter, query: PageQuery): Promise<Page<AuditEntry>> {
    const limit = pageLimit(query);
    const rows = await this.audit.list(filter, decodeCursor(query.cursor), limit);
    return toPage(
      rows,
      limit,
      (r) => ({ at: r.createdAt.toISOString(), id: r.id }),
      (r) => r,
    );
  }
}
