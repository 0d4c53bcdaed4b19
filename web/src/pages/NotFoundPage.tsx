import { Link } from 'react-router';
import { useTitle } from '../util';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  useTitle('Not found');
  return (
    <section className="narrow">
      <h1>We cannot find that {what}</h1>
      <p>
        The link may be old, or it may be for a course you are not enrolled in. <Link to="/">Go to my courses</Link>.
      </p>
    </section>
  );
}
