import { NavLink } from 'react-router';

const TABS = [
  ['', 'Modules and items'],
  ['assignments', 'Assignments'],
  ['progress', 'Progress'],
  ['reminders', 'Reminders'],
  ['cohorts', 'Cohorts'],
] as const;

/** The tabs of one course's staff pages. */
export function CourseNav({ courseId }: { courseId: string }) {
  return (
    <nav aria-label="Course" className="tabs">
      <ul>
        {TABS.map(([path, label]) => (
          <li key={path}>
            <NavLink to={`/teach/courses/${courseId}${path ? `/${path}` : ''}`} end>
              {label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
