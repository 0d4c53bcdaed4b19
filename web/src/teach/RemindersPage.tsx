import { useParams } from 'react-router';
import { useTitle } from '../util';
import { CourseNav } from './CourseNav';

/** Placeholder: being built (issue 17). */
export function RemindersPage() {
  const { id = '' } = useParams();
  useTitle('RemindersPage');
  return (
    <>
      <CourseNav courseId={id} />
      <h1>RemindersPage</h1>
      <p>Coming soon.</p>
    </>
  );
}
