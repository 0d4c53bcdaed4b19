import { useParams } from 'react-router';
import { useTitle } from '../util';
import { CourseNav } from './CourseNav';

/** Placeholder: being built (issue 17). */
export function DrillDownPage() {
  const { id = '' } = useParams();
  useTitle('DrillDownPage');
  return (
    <>
      <CourseNav courseId={id} />
      <h1>DrillDownPage</h1>
      <p>Coming soon.</p>
    </>
  );
}
