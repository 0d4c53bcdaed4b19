import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'crypto';
import type { AccessClaims } from '../src/modules/auth/token.service';
import type { BenchItem } from './events';
import { VIDEO_SECONDS } from './events';
import type { BenchContext } from './harness';
import { api } from './harness';

export interface BenchCourse {
  id: string;
  modules: string[];
  items: BenchItem[];
}

/**
 * A published course built through the API (so items carry real completion rules): `modules`
 * modules of `itemsPerModule` items, no unlock dates or prerequisites, every third item a video
 * with a watch rule and the rest articles with a view rule.
 */
export async function createCourse(
  ctx: BenchContext,
  token: string,
  title: string,
  modules: number,
  itemsPerModule: number,
): Promise<BenchCourse> {
  const post = async (path: string, body: unknown): Promise<string> => {
    const res = await api<{ id: string }>(ctx, 'POST', path, token, body);
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`POST ${path} failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body.id;
  };
  const article = await post('/api/v1/materials', { title: `${title} reading`, kind: 'article', url: 'https://example.edu/reading' });
  const video = await post('/api/v1/materials', {
    title: `${title} lecture`,
    kind: 'video',
    url: 'https://example.edu/lecture',
    durationSeconds: VIDEO_SECONDS,
  });
  const course = await post('/api/v1/courses', { title });
  const result: BenchCourse = { id: course, modules: [], items: [] };
  for (let m = 0; m < modules; m += 1) {
    const moduleId = await post(`/api/v1/courses/${course}/modules`, { title: `Module ${m + 1}` });
    result.modules.push(moduleId);
    for (let i = 0; i < itemsPerModule; i += 1) {
      const watch = i % 3 === 1;
      const completion = watch ? { type: 'watch', minPercent: 90 } : { type: 'view' };
      const id = await post(`/api/v1/modules/${moduleId}/items`, { materialId: watch ? video : article, completion, required: true });
      result.items.push({ id, moduleId, rule: watch ? 'watch' : 'view', durationSeconds: watch ? VIDEO_SECONDS : null });
    }
  }
  await post(`/api/v1/courses/${course}/publish`, {});
  return result;
}

/** `count` students enrolled in the course with set-based SQL (no API, no argon2, no welcome reminders). */
export async function seedStudents(
  ctx: BenchContext,
  courseId: string,
  count: number,
  domain: string,
  cohortIds: string[] = [],
): Promise<Array<{ userId: string; enrolmentId: string }>> {
  const { rows } = await ctx.db.query<{ user_id: string; enrolment_id: string }>(
    `WITH u AS (
       INSERT INTO users (email, name, role)
       SELECT 'student' || g || '@' || $2, 'Student ' || substr(md5(g::text), 1, 10), 'student' FROM generate_series(1, $1::int) g
       RETURNING id
     ), numbered AS (SELECT id, row_number() OVER () AS n FROM u)
     INSERT INTO enrolments (course_id, user_id, status, cohort_id)
     SELECT $3, id, 'invited', ($4::uuid[])[1 + n % greatest(cardinality($4::uuid[]), 1)] FROM numbered
     RETURNING id AS enrolment_id, user_id`,
    [count, domain, courseId, cohortIds],
  );
  return rows.map((r) => ({ userId: r.user_id, enrolmentId: r.enrolment_id }));
}

/** Access tokens signed as TokenService signs them (the app's JwtService: HS256, issuer, jti), without an argon2 login each. */
export function accessTokens(ctx: BenchContext, userIds: string[]): string[] {
  const jwt = ctx.app.get(JwtService);
  return userIds.map((sub) => {
    const claims: AccessClaims = { sub, tv: 0, sid: randomUUID() };
    return jwt.sign(claims, { expiresIn: 3600, jwtid: randomUUID() });
  });
}

/** The p-th percentile (nearest rank) of the samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
