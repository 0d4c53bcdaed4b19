import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { performance } from 'perf_hooks';
import { DataSource } from 'typeorm';
import { TooManyRequests, Unavailable } from '../../common/errors';
import { KeyedQueue } from '../../common/keyed-queue';
import { prepared, PreparedQuery, preparedTransaction } from '../../common/sql';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { MAX_STORED_RANGES } from './progress-rules';

export interface AcceptedEvent {
  eventId: string;
  enrolmentId: string;
  itemId: string;
  type: string;
  positionSeconds: number | null;
  percent: number | null;
  watched: string | null;
  /** ISO 8601, as pg sends it to a timestamptz. */
  occurredAt: string;
}

/** The events as the eight unnest() columns, in one pass. */
function columns(events: AcceptedEvent[]): unknown[][] {
  const cols: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const e of events) {
    cols[0].push(e.eventId);
    cols[1].push(e.enrolmentId);
    cols[2].push(e.itemId);
    cols[3].push(e.type);
    cols[4].push(e.positionSeconds);
    cols[5].push(e.percent);
    cols[6].push(e.watched);
    cols[7].push(e.occurredAt);
  }
  return cols;
}

/**
 * The writes of progress: raw events, derived item state, per-enrolment counters. Each runs in
 * `locked`, a transaction that first takes the row locks of the enrolments it writes for.
 */
@Injectable()
export class ProgressWritesRepository {
  /** One student's writes, one at a time per process, queued before they take a pooled connection. */
  private readonly turns: KeyedQueue;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.turns = new KeyedQueue(config.progress.writeQueue);
  }

  /**
   * `work` for the student's enrolments in one transaction that first locks their rows, in id order
   * (so batches that touch the same enrolments in another order cannot deadlock). Writers of one
   * enrolment's progress therefore run one at a time, and because READ COMMITTED takes each
   * statement's snapshot when it starts, counters recomputed inside see every item row the writers
   * before committed: the last writer's counters are always the whole truth.
   *
   * Within the process the student's writes wait their turn before taking a pooled connection, so
   * one student holds at most one connection here however many batches they send (a batch only
   * carries its sender's enrolments, so the student is the key). The whole wait, for the turn and
   * then for the row locks (another process, a sign-in), is bounded by PROGRESS_WRITE_WAIT_MS: past
   * it, 503 with nothing written; past PROGRESS_WRITE_QUEUE waiting writes, 429 at once.
   */
  async locked<T>(studentId: string, enrolmentIds: string[], work: (writer: ProgressWriter) => Promise<T>): Promise<T> {
    return this.inTurn(studentId, (left) => this.transaction(enrolmentIds, work, left));
  }

  /**
   * The statements of accord_ingest_progress: the raw events, once per (user, eventId), then derived
   * item state from the events that were new, merged into what is there under the row lock of
   * ON CONFLICT, so concurrent batches never lose segments. Percent only grows (coverage of all
   * watched segments when there are any, else the reported percent); covered_percent is coverage
   * alone, and only it completes a watch rule (a bare percent is self-reported); the position is the
   * one with the latest occurredAt, ties going to the later event in the batch (then to the later
   * batch, then the greater eventId); a completed item stays completed. Percent is judged on the whole union
   * of the stored ranges and the new ones; what is stored keeps at most MAX_STORED_RANGES ranges
   * (the longest, see accord_keep_longest), so no item's ranges (or its cost per event) grow
   * without bound and coverage is never counted for seconds nobody reported. Then, when any event was
   * new, `refreshEnrolments` for the enrolments they touched.
   *
   * All of it is one call of accord_ingest_progress (migration IngestInOneCall): the enrolment locks and
   * these statements in that order in one implicit transaction, one round trip instead of five. Same turn, same bounded wait (the lock timeout is passed in). Returns
   * how many events were new.
   */
  recordBatch(studentId: string, events: AcceptedEvent[], now: Date): Promise<number> {
    const enrolmentIds = [...new Set(events.map((e) => e.enrolmentId))];
    return this.inTurn(studentId, async (left) => {
      const [row] = await prepared<{ inserted: number }>(
        this.dataSource,
        'progress.ingest',
        `SELECT accord_ingest_progress($1, $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::float8[], $8::float8[],
                $9::nummultirange[], $10::timestamptz[], $11::timestamptz, $12::int, $13::int) AS inserted`,
        [studentId, enrolmentIds, ...columns(events), now, MAX_STORED_RANGES, left],
      );
      return row.inserted;
    });
  }

  /**
   * `run` in the student's turn, with the milliseconds left of PROGRESS_WRITE_WAIT_MS for any lock
   * wait inside: 503 when none are left, 429 when too many of the student's writes already wait.
   */
  private async inTurn<T>(studentId: string, run: (leftMs: number) => Promise<T>): Promise<T> {
    const arrived = performance.now(); // elapsed real time, not the settable business Clock
    const turn = this.turns.run(studentId, () => {
      const left = Math.floor(this.config.progress.writeWaitMs - (performance.now() - arrived));
      if (left < 1) throw new Unavailable('Earlier progress writes of yours took too long; nothing was changed. Retry shortly.', 1);
      return run(left);
    });
    if (!turn)
      throw new TooManyRequests('Too many progress writes of yours are waiting; nothing was changed. Send batches one after another.', 1);
    return turn;
  }

  /**
   * Recomputes the enrolments' counters from their item rows (under their locks), for any number of
   * students at once: maintenance and benchmarks, not requests, so it takes no student's turn.
   */
  refreshEnrolments(enrolmentIds: string[], now: Date): Promise<void> {
    return this.transaction(enrolmentIds, (writer) => writer.refreshEnrolments(enrolmentIds, now));
  }

  private transaction<T>(enrolmentIds: string[], work: (writer: ProgressWriter) => Promise<T>, lockTimeoutMs?: number): Promise<T> {
    return preparedTransaction(
      this.dataSource,
      async (query) => {
        await query('progress.lock-enrolments', `SELECT id FROM enrolments WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [
          enrolmentIds,
        ]);
        return work(new ProgressWriter(query));
      },
      { lockTimeoutMs },
    );
  }
}

/** The statements of progress writes, bound to the transaction of `ProgressWritesRepository.locked`. */
export class ProgressWriter {
  constructor(private readonly query: PreparedQuery) {}

  private prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return this.query<T>(`progress.${name}`, text, values);
  }

  /** `POST /items/:id/complete` for mark_done items. */
  async markDone(enrolmentId: string, itemId: string, now: Date): Promise<void> {
    await this.prepared(
      'mark-done',
      `INSERT INTO item_progress (enrolment_id, item_id, state, percent, rule, completed_at, updated_at)
       VALUES ($1, $2, 'completed', 100, 'mark_done', $3, $3)
       ON CONFLICT (enrolment_id, item_id) DO UPDATE SET state = 'completed', percent = 100,
         completed_at = COALESCE(item_progress.completed_at, EXCLUDED.completed_at), updated_at = EXCLUDED.updated_at`,
      [enrolmentId, itemId, now],
    );
  }

  /**
   * Statement 3: per-enrolment counters, module completions and enrolment state for the touched
   * enrolments, by the one derivation every view reads (accord_derive_enrolments, migration
   * OneProgressDerivation): invited → active on first progress, → completed when every module is.
   */
  async refreshEnrolments(enrolmentIds: string[], now: Date): Promise<void> {
    if (!enrolmentIds.length) return;
    await this.prepared('refresh', `SELECT accord_derive_enrolments($1::uuid[], $2::timestamptz, true)`, [enrolmentIds, now]);
  }
}
