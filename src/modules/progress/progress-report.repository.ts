import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appliesTo, effectiveDue } from '../assignments/assignment-scope';
import { ReportSort, ReportState } from './dto/progress.dto';

export interface ReportRow {
  enrolment_id: string;
  user_id: string;
  name: string;
  email: string;
  percent: number;
  completed_items: number;
  overdue: number;
  self_reported: number;
  last_activity_at: Date | null;
  status: string;
  cohort_id: string | null;
  cohort_name: string | null;
  /** The modules this enrolment completed (module_completions, a counter table like the others). */
  completed_modules: string[];
  sort_key: string | number;
}

export interface ReportModule {
  id: string;
  title: string;
}

const SORT_KEY: Record<string, string> = {
  name: 'lower(u.name)',
  percent: 'e.progress_percent',
  lastActivityAt: "COALESCE(e.last_activity_at, 'epoch'::timestamptz)",
  overdue: 'overdue',
};

/** The keyset value of a row, as a cursor and the next page's bound carry it. */
export const reportKey = (r: ReportRow): [string | number, string] => {
  const key = r.sort_key as unknown;
  return [key instanceof Date ? key.toISOString() : (key as string | number), r.enrolment_id];
};

type ReportFilter = { cohortId?: string; state?: ReportState };

/**
 * One page's statement, in keyset order over (sort key, enrolment id). The page's enrolment ids are
 * chosen first from enrolments ⋈ users alone, in index order (users_lower_name_idx,
 * enrolments_course_percent_idx, enrolments_course_activity_idx), and the per-row subqueries run for
 * those rows only, so a page costs the same at 1,000 or 100,000 enrolments (sorting by overdue still
 * computes it for every row).
 */
function pageQuery(
  courseId: string,
  filter: ReportFilter,
  sort: ReportSort,
  after: [string | number, string] | null,
  limit: number,
  now: Date,
): { sql: string; params: unknown[] } {
  const desc = sort.startsWith('-');
  const field = sort.replace(/^-/, '');
  const params: unknown[] = [courseId, now];
  const where: string[] = [];
  if (filter.cohortId) {
    params.push(filter.cohortId);
    where.push(`e.cohort_id = $${params.length}`);
  }
  if (filter.state === 'completed') where.push(`e.status = 'completed'`);
  if (filter.state === 'in_progress')
    where.push(`e.status <> 'completed' AND (e.completed_required > 0 OR e.last_activity_at IS NOT NULL)`);
  if (filter.state === 'not_started') where.push(`e.status <> 'completed' AND e.completed_required = 0 AND e.last_activity_at IS NULL`);
  const overdue = `(SELECT count(*)::int FROM assignments a
                    WHERE a.course_id = e.course_id AND a.cancelled_at IS NULL AND ${appliesTo('a', 'e')}
                      AND ${effectiveDue('a', 'e')} < $2
                      AND NOT EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = e.id AND mc.module_id = a.module_id))`;
  const key = field === 'overdue' ? overdue : SORT_KEY[field];
  const cmp = desc ? '<' : '>';
  const dir = desc ? 'DESC' : 'ASC';
  if (after) {
    params.push(after[0], after[1]);
    const [k, id] = [`$${params.length - 1}`, `$${params.length}::uuid`];
    // The row comparison alone is not an index condition; the bound on the key alone is.
    if (field !== 'overdue') where.push(`${key} ${cmp}= ${k}`);
    where.push(`(${key}, e.id) ${cmp} (${k}, ${id})`);
  }
  params.push(limit + 1);
  // Completions a bare percent made before watch rules needed evidence (see the EvidencedWatchProgress migration); item_progress_self_reported_idx holds only those.
  const selfReported = `(SELECT count(*)::int FROM item_progress ip
                         WHERE ip.enrolment_id = e.id AND ip.state = 'completed' AND ip.rule = 'watch' AND ip.covered_percent < ip.min_percent)`;
  return {
    sql: `WITH page AS MATERIALIZED (
            SELECT e.id, ${key} AS sort_key
            FROM enrolments e JOIN users u ON u.id = e.user_id
            WHERE e.course_id = $1 AND e.status <> 'dropped' ${where.map((w) => `AND ${w}`).join(' ')}
            ORDER BY ${key} ${dir}, e.id ${dir}
            LIMIT $${params.length}
          )
          SELECT e.id AS enrolment_id, u.id AS user_id, u.name, u.email, e.progress_percent AS percent, e.completed_required AS completed_items,
                 ${overdue} AS overdue, ${selfReported} AS self_reported, e.last_activity_at, e.status, e.cohort_id, co.name AS cohort_name,
                 ARRAY(SELECT mc.module_id FROM module_completions mc WHERE mc.enrolment_id = e.id) AS completed_modules,
                 p.sort_key
          FROM page p JOIN enrolments e ON e.id = p.id JOIN users u ON u.id = e.user_id LEFT JOIN cohorts co ON co.id = e.cohort_id
          ORDER BY p.sort_key ${dir}, p.id ${dir}`,
    params,
  };
}

/** The instructor report: reads the per-enrolment counters, never aggregates item_progress. */
@Injectable()
export class ProgressReportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page in keyset order over (sort key, enrolment id). */
  page(
    courseId: string,
    filter: ReportFilter,
    sort: ReportSort,
    after: [string | number, string] | null,
    limit: number,
    now: Date,
  ): Promise<ReportRow[]> {
    const { sql, params } = pageQuery(courseId, filter, sort, after, limit, now);
    return this.dataSource.query(sql, params);
  }

  /**
   * The whole report in pages of `pageSize`, in one read-only REPEATABLE READ transaction (every
   * page sees the same snapshot, so no row is skipped or repeated while enrolments change), with
   * JIT off: the planner's estimate for a 1,000-row page crosses jit_above_cost, and compiling cost
   * more than the page itself (EXPLAIN in docs/benchmarks.md). Holds one pool connection until done
   * or until the consumer stops (return() on the generator rolls back and releases it).
   */
  async *pages(courseId: string, filter: ReportFilter, sort: ReportSort, pageSize: number, now: Date): AsyncGenerator<ReportRow[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      await runner.query('SET LOCAL jit = off');
      let after: [string | number, string] | null = null;
      for (;;) {
        const { sql, params } = pageQuery(courseId, filter, sort, after, pageSize, now);
        const rows = (await runner.query(sql, params)) as ReportRow[];
        const slice = rows.slice(0, pageSize);
        if (slice.length) yield slice;
        if (rows.length <= pageSize) break;
        after = reportKey(slice[slice.length - 1]);
      }
    } finally {
      if (open) await runner.query('ROLLBACK').catch(() => undefined); // read only: nothing to commit
      await runner.release();
    }
  }

  /** The course's modules in course order (position, then id). */
  modules(courseId: string): Promise<ReportModule[]> {
    return this.dataSource.query(`SELECT m.id, m.title FROM modules m WHERE m.course_id = $1 ORDER BY m.position, m.id`, [courseId]);
  }

  summary(
    courseId: string,
    now: Date,
  ): Promise<
    Array<{ module_id: string; title: string; position: number; enrolled: number; assigned: number; completed: number; overdue: number }>
  > {
    return this.dataSource.query(
      `WITH active AS (SELECT * FROM enrolments WHERE course_id = $1 AND status <> 'dropped'),
       due AS (
         SELECT a.module_id, e.id AS enrolment_id, min(${effectiveDue('a', 'e')}) AS due_at
         FROM assignments a JOIN active e ON e.course_id = a.course_id
         WHERE a.course_id = $1 AND a.cancelled_at IS NULL AND ${appliesTo('a', 'e')}
         GROUP BY a.module_id, e.id
       )
       SELECT m.id AS module_id, m.title, m.position,
              (SELECT count(*)::int FROM active) AS enrolled,
              (SELECT count(*)::int FROM due d WHERE d.module_id = m.id) AS assigned,
              (SELECT count(*)::int FROM module_completions mc JOIN active e ON e.id = mc.enrolment_id WHERE mc.module_id = m.id) AS completed,
              (SELECT count(*)::int FROM due d WHERE d.module_id = m.id AND d.due_at < $2
                 AND NOT EXISTS (SELECT 1 FROM module_completions mc WHERE mc.enrolment_id = d.enrolment_id AND mc.module_id = m.id)) AS overdue
       FROM modules m WHERE m.course_id = $1 ORDER BY m.position`,
      [courseId, now],
    );
  }
}
