import { randomBytes, randomUUID } from 'crypto';
import type { Caller } from '../../src/common/auth.decorators';
import { ProgressIngestService } from '../../src/modules/progress/progress-ingest.service';
import { ProgressModule } from '../../src/modules/progress/progress.module';
import type { ServiceModule } from '../helpers/service-module';
import { startServiceModule } from '../helpers/service-module';

/** ProgressIngestService against real PostgreSQL, no HTTP: what it accepts, rejects and writes. */
describe('ProgressIngestService (real PostgreSQL, no HTTP)', () => {
  let t: ServiceModule;
  let service: ProgressIngestService;
  let student: Caller;
  let outsider: Caller;
  let items: { video: string; article: string; locked: string; draft: string };

  const uid = () => randomBytes(4).toString('hex');
  const insertUser = async (): Promise<Caller> => {
    const email = `student-${uid()}@test.local`;
    const { rows } = await t.db.query<{ id: string }>(
      "INSERT INTO users (email, name, role, is_active) VALUES ($1, $2, 'student', true) RETURNING id",
      [email, `Student ${uid()}`],
    );
    return { id: rows[0].id, email, role: 'student', name: 'Student' };
  };
  const insertCourse = async (status: 'published' | 'draft'): Promise<string> => {
    const policy = { dueSoonMinutesBefore: 1440, overdueMinutesAfter: 60, inactivityDays: 7 };
    const { rows } = await t.db.query<{ id: string }>(
      'INSERT INTO courses (title, slug, status, reminder_policy) VALUES ($1, $2, $3, $4) RETURNING id',
      [`Course ${uid()}`, `course-${uid()}`, status, policy],
    );
    return rows[0].id;
  };
  const insertModule = async (courseId: string, position: number, unlockAt: Date | null = null): Promise<string> =>
    (
      await t.db.query<{ id: string }>('INSERT INTO modules (course_id, title, position, unlock_at) VALUES ($1, $2, $3, $4) RETURNING id', [
        courseId,
        `Module ${position}`,
        position,
        unlockAt,
      ])
    ).rows[0].id;
  const insertItem = async (moduleId: string, kind: 'video' | 'article', completion: object): Promise<string> => {
    const { rows: material } = await t.db.query<{ id: string }>(
      'INSERT INTO materials (slug, title, kind, url, duration_seconds) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [`m-${uid()}`, `Material ${uid()}`, kind, 'https://example.org/m', kind === 'video' ? 100 : null],
    );
    const { rows } = await t.db.query<{ id: string }>(
      'INSERT INTO items (module_id, material_id, position, required, completion) VALUES ($1, $2, (SELECT count(*) + 1 FROM items WHERE module_id = $1), true, $3) RETURNING id',
      [moduleId, material[0].id, completion],
    );
    return rows[0].id;
  };
  const enrol = (courseId: string, user: Caller) =>
    t.db.query("INSERT INTO enrolments (course_id, user_id, status) VALUES ($1, $2, 'active')", [courseId, user.id]);
  const itemRow = async (itemId: string) =>
    (
      await t.db.query<{ state: string; percent: number; covered_percent: number; position_seconds: number | null }>(
        'SELECT state, percent, covered_percent, position_seconds FROM item_progress WHERE item_id = $1',
        [itemId],
      )
    ).rows[0];
  const event = (itemId: string, extra: object = {}) => ({
    eventId: randomUUID(),
    itemId,
    type: 'progressed',
    occurredAt: new Date(Date.now() - 1000).toISOString(),
    ...extra,
  });

  beforeAll(async () => {
    t = await startServiceModule({ imports: [ProgressModule], role: 'api' });
    service = t.module.get(ProgressIngestService);
    student = await insertUser();
    outsider = await insertUser();
    const course = await insertCourse('published');
    const open = await insertModule(course, 1);
    const later = await insertModule(course, 2, new Date(Date.now() + 86_400_000));
    const draftCourse = await insertCourse('draft');
    items = {
      video: await insertItem(open, 'video', { type: 'watch', minPercent: 90 }),
      article: await insertItem(open, 'article', { type: 'view' }),
      locked: await insertItem(later, 'article', { type: 'view' }),
      draft: await insertItem(await insertModule(draftCourse, 1), 'article', { type: 'view' }),
    };
    await enrol(course, student);
    await enrol(draftCourse, student);
  });
  afterAll(() => t?.close());

  it('accepts, counts duplicates once and rejects each bad event with its reason', async () => {
    const viewed = event(items.article, { type: 'viewed' });
    const result = await service.ingest(student, [
      viewed,
      viewed,
      event(randomUUID()),
      event(items.locked, { type: 'viewed' }),
      event(items.draft, { type: 'viewed' }),
      event(items.video, { percent: 140 }),
      event(items.video, { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
    ]);
    expect(result.accepted).toBe(1);
    expect(result.duplicates).toBe(1);
    // Malformed events are turned away first, then each item's verdict (unknown, locked, not enrolled).
    expect(result.rejected.map((r) => r.error)).toEqual([
      'percent outside 0–100',
      'occurredAt is in the future',
      'unknown item',
      'module locked',
      'not enrolled',
    ]);
    expect((await itemRow(items.article)).state).toBe('completed');
    // The same event again is a duplicate, never counted twice.
    const again = await service.ingest(student, [viewed]);
    expect(again).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('refuses events for a course the caller is not enrolled in', async () => {
    const result = await service.ingest(outsider, [event(items.article, { type: 'viewed' })]);
    expect(result.accepted).toBe(0);
    expect(result.rejected).toEqual([expect.objectContaining({ error: 'not enrolled' })]);
  });

  it('a bare percent is self-reported: it moves percent but only watched segments complete a watch rule', async () => {
    await service.ingest(student, [event(items.video, { percent: 100, positionSeconds: 99 })]);
    let row = await itemRow(items.video);
    expect(row).toMatchObject({ state: 'in_progress', covered_percent: 0 });
    expect(row.percent).toBe(100);

    await service.ingest(student, [event(items.video, { watchedSegments: [[0, 89]] })]);
    expect(await itemRow(items.video)).toMatchObject({ state: 'in_progress', covered_percent: 89 });

    await service.ingest(student, [event(items.video, { watchedSegments: [[89, 95]] })]);
    row = await itemRow(items.video);
    expect(row.state).toBe('completed');
    expect(row.covered_percent).toBe(95);
  });

  it('events with the same occurredAt resume at the last one sent', async () => {
    const at = new Date(Date.now() - 500).toISOString();
    await service.ingest(
      student,
      [0, 900, 1800].map((p) => event(items.video, { positionSeconds: p, occurredAt: at })),
    );
    expect((await itemRow(items.video)).position_seconds).toBe(1800);
  });
});
