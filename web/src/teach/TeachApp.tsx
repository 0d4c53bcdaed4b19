import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { AssignmentsPage } from './AssignmentsPage';
import { CohortsPage } from './CohortsPage';
import { CourseEditorPage } from './CourseEditorPage';
import { CoursesPage } from './CoursesPage';
import { DrillDownPage } from './DrillDownPage';
import { RemindersPage } from './RemindersPage';
import { ReportPage } from './ReportPage';

/** Instructor (and admin) pages under /teach/…: courses, the editor, assignments, progress, reminders, cohorts. */
export function TeachApp() {
  return (
    <Routes>
      <Route index element={<CoursesPage />} />
      <Route path="courses/:id" element={<CourseEditorPage />} />
      <Route path="courses/:id/assignments" element={<AssignmentsPage />} />
      <Route path="courses/:id/progress" element={<ReportPage />} />
      <Route path="courses/:id/progress/:enrolmentId" element={<DrillDownPage />} />
      <Route path="courses/:id/reminders" element={<RemindersPage />} />
      <Route path="courses/:id/cohorts" element={<CohortsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
