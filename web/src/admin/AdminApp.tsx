import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../pages/NotFoundPage';
import { useTitle } from '../util';

function Placeholder() {
  useTitle('Administration');
  return <h1>Administration</h1>;
}

/** Admin pages under /admin/… (users, imports, failed reminders, audit log). */
export function AdminApp() {
  return (
    <Routes>
      <Route path="users" element={<Placeholder />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
