import { useTitle } from '../util';

/** Placeholder: being built (issue 17). */
export function AssignmentsPage() {
  useTitle('AssignmentsPage');
  return <h1>AssignmentsPage</h1>;
}
