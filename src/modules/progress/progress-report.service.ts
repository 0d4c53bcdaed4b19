import { Injectable } from '@nestjs/common';
import { PassThrough, Readable } from 'stream';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { decodeKeys, encodeKeys, Page, pageLimit } from '../../common/pagination';
import { CourseAccess } from '../courses/course-access';
import { csvNumber, csvText } from './csv-cells';
import { ReportQuery, ReportRowDto, ReportSort, ReportState, SummaryDto } from './dto/progress.dto';
import { ProgressReportRepository, ReportModule, ReportRow, reportKey } from './progress-report.repository';

const CSV_PAGE = 1000;
const CSV_COLUMNS =
  'enrolmentId,userId,name,email,cohortId,cohortName,percent,completedItems,overdueAssignments,selfReportedCompletions,lastActivityAt,state';

/** The fixed columns, then one per module, `module <number>: <title>` (a title is text a user typed: quoted and formula-safe). */
function csvHeader(modules: ReportModule[]): string {
  return `${[CSV_COLUMNS, ...modules.map((m, i) => csvText(`module ${i + 1}: ${m.title}`))].join(',')}\n`;
}

function stateOf(r: ReportRow): ReportState {
  if (r.status === 'completed') return 'completed';
  return r.completed_items > 0 || r.last_activity_at ? 'in_progress' : 'not_started';
}

function toDto(r: ReportRow, modules: ReportModule[]): ReportRowDto {
  const completed = new Set(r.completed_modules);
  return {
    enrolmentId: r.enrolment_id,
    user: { id: r.user_id, name: r.name, email: r.email },
    cohortId: r.cohort_id,
    cohortName: r.cohort_name,
    percent: Number(r.percent), // stored rounded by accord_derive_enrolments
    completedItems: r.completed_items,
    overdueAssignments: r.overdue,
    selfReportedCompletions: r.self_reported,
    lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
    state: stateOf(r),
    modules: modules.map((m, i) => ({
      moduleId: m.id,
      number: i + 1,
      title: m.title,
      // module_completions as accord_derive_enrolments records them, the same truth as the student view and the summary.
      state: completed.has(m.id) ? 'completed' : 'not_completed',
    })),
  };
}

/** Resolves when the stream wants more, or is gone. */
function writable(out: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

@Injectable()
export class ProgressReportService {
  constructor(
    private readonly report: ProgressReportRepository,
    private readonly access: CourseAccess,
    private readonly clock: Clock,
  ) {}

  async page(caller: Caller, courseId: string, query: ReportQuery): Promise<Page<ReportRowDto>> {
    await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    const sort = query.sort ?? 'name';
    const limit = pageLimit(query);
    const after = decodeKeys(query.cursor, [
      sort.replace(/^-/, '') === 'name' ? 'string' : sort.replace(/^-/, '') === 'lastActivityAt' ? 'date' : 'number',
      'uuid',
    ]);
    const [modules, rows] = await Promise.all([
      this.report.modules(courseId),
      this.report.page(courseId, query, sort, after as [string | number, string] | null, limit, this.clock.now()),
    ]);
    const more = rows.length > limit;
    const slice = more ? rows.slice(0, limit) : rows;
    return { data: slice.map((r) => toDto(r, modules)), nextCursor: more ? encodeKeys(reportKey(slice[slice.length - 1])) : null };
  }

  /**
   * The whole course as CSV, fetched page by page from one snapshot (ProgressReportRepository.pages)
   * and streamed with backpressure, never held in memory; a client that goes away ends the query.
   */
  async csv(caller: Caller, courseId: string, query: ReportQuery): Promise<Readable> {
    await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    const sort: ReportSort = query.sort ?? 'name';
    const now = this.clock.now();
    const out = new PassThrough();
    const modules = await this.report.modules(courseId);
    const pump = async () => {
      out.write(csvHeader(modules));
      for await (const rows of this.report.pages(courseId, query, sort, CSV_PAGE, now)) {
        let chunk = '';
        for (const r of rows) {
          const d = toDto(r, modules);
          const texts = [d.enrolmentId, d.user.id, d.user.name, d.user.email, d.cohortId, d.cohortName].map(csvText);
          const numbers = [d.percent, d.completedItems, d.overdueAssignments, d.selfReportedCompletions].map(csvNumber);
          chunk += `${[...texts, ...numbers, csvText(d.lastActivityAt), csvText(d.state), ...d.modules.map((m) => m.state)].join(',')}\n`;
        }
        if (out.destroyed) return; // leaving the loop rolls the snapshot back and frees the connection
        if (!out.write(chunk)) await writable(out);
      }
      out.end();
    };
    pump().catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  async summary(caller: Caller, courseId: string): Promise<SummaryDto> {
    await this.access.writable(caller, courseId, undefined, { allowArchived: true });
    const rows = await this.report.summary(courseId, this.clock.now());
    return {
      modules: rows.map((r) => ({
        moduleId: r.module_id,
        title: r.title,
        position: r.position,
        enrolled: r.enrolled,
        assigned: r.assigned,
        completed: r.completed,
        overdue: r.overdue,
        completionRate: r.enrolled ? Math.round((r.completed / r.enrolled) * 1000) / 1000 : 0,
      })),
    };
  }
}
