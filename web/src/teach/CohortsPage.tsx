import { useParams } from 'react-router';
import { useTitle } from '../util';
import { CourseNav } from './CourseNav';

/** Placeholder: being built (issue 17). */
export function CohortsPage() {
  const { id = '' } = useParams();
  useTitle('CohortsPage');
  return (
    <>
      <CourseNav courseId={id} />
      <h1>CohortsPage</h1>
      <p>Coming soon.</p>
    </>
  );
}
