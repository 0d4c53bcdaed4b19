import { Injectable } from '@nestjs/common';
import { TransactionalRepository } from '../../common/transactional.repository';
import { CalendarFeed } from './entities/calendar-feed.entity';

@Injectable()
export class CalendarFeedsRepository extends TransactionalRepository {
  findByUser(userId: string): Promise<CalendarFeed | null> {
    return this.dataSource.getRepository(CalendarFeed).findOne({ where: { userId } });
  }

  /** The user's feed, created with the given generation unless one exists (two first calls race to one row). */
  async ensure(userId: string, id: string, tokenHash: string): Promise<CalendarFeed> {
    await this.dataSource.query(
      `INSERT INTO calendar_feeds (user_id, id, token_hash) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`,
      [userId, id, tokenHash],
    );
    return this.dataSource.getRepository(CalendarFeed).findOneOrFail({ where: { userId } });
  }

  /** Replaces the user's feed generation (the old token stops working at once). */
  async replace(userId: string, id: string, tokenHash: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO calendar_feeds (user_id, id, token_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET id = EXCLUDED.id, token_hash = EXCLUDED.token_hash, created_at = now()`,
      [userId, id, tokenHash],
    );
  }

  /** The owner of the feed with this token hash, if that user is still active. */
  async activeOwner(tokenHash: string): Promise<{ userId: string } | null> {
    const rows: Array<{ user_id: string }> = await this.dataSource.query(
      `SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id AND u.is_active WHERE f.token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ? { userId: rows[0].user_id } : null;
  }
}
