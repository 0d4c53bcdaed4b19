import { api, type Schemas } from '../../api/client';
import { must, useLoad } from '../../util';

export type ReportRow = Schemas['ReportRowDto'];
export type ReportState = ReportRow['state'];

export const REPORT_STATE: Record<ReportState, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
};

/** The course a staff page is about (its title goes in the heading). */
export function useCourse(id: string) {
  return useLoad(async () => must(await api.GET('/api/v1/courses/{id}', { params: { path: { id } } })), id);
}

/** The words of a problem+json answer: its detail first (a 409 names what is in the way), then the first field message. */
export function problemDetail(error: unknown, fallback: string): string {
  const problem = error as { detail?: string; errors?: Array<{ message: string }> } | undefined;
  return problem?.detail ?? problem?.errors?.[0]?.message ?? fallback;
}

/** "404"-ish answers: the course (or enrolment) is not one this person may see. */
export const notFound = (error: Error | undefined) => {
  const status = error && (error as Error & { status?: number }).status;
  return status === 404 || status === 403;
};
