import { useParams } from 'react-router';
import { useTitle } from '../util';
import { CourseNav } from './CourseNav';

/** Placeholder: being built (issue 17). */
export function ReportPage() {
  const { id = '' } = useParams();
  useTitle('ReportPage');
  return (
    <>
      <CourseNav courseId={id} />
      <h1>ReportPage</h1>
      <p>Coming soon.</p>
    </>
  );
}
