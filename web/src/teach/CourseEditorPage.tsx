import { useTitle } from '../util';

/** Placeholder: being built (issue 17). */
export function CourseEditorPage() {
  useTitle('CourseEditorPage');
  return <h1>CourseEditorPage</h1>;
}
