import { useTitle } from '../util';

/** Placeholder: being built (issue 17). */
export function CoursesPage() {
  useTitle('CoursesPage');
  return <h1>CoursesPage</h1>;
}
