import { Navigate, Route, Routes } from 'react-router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { AuditPage } from './AuditPage';
import { ImportsPage } from './ImportsPage';
import { RemindersPage } from './RemindersPage';
import { UsersPage } from './UsersPage';

/** Admin pages under /admin/… (users, imports, failed reminders, audit log). */
export function AdminApp() {
  return (
    <Routes>
      <Route index element={<Navigate to="users" replace />} />
      <Route path="users" element={<UsersPage />} />
      <Route path="imports" element={<ImportsPage />} />
      <Route path="reminders" element={<RemindersPage />} />
      <Route path="audit" element={<AuditPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
