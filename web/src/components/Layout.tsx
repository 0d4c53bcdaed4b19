import { useEffect, useRef, type ReactNode } from 'react';
import { Link, NavigationType, NavLink, useLocation, useNavigate, useNavigationType } from 'react-router';
import { session, signOut } from '../api/client';

/** The frame of every page: a skip link, the site header, and a main region that takes focus on navigation. */
export function Layout({ children }: { children: ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const main = useRef<HTMLElement>(null);
  const navigation = useNavigationType();
  const first = useRef(true);
  const user = session.user;

  useEffect(() => {
    // Move focus to the new page's content when the person navigated (a link, back, forward); not on
    // the first load or a redirect before the person did anything: the browser starts at the top.
    if (first.current && navigation !== NavigationType.Push) return;
    first.current = false;
    main.current?.focus();
  }, [location.pathname, navigation]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Accord
        </Link>
        {user && (
          <nav aria-label="Main">
            <ul>
              <li>
                <NavLink to="/" end>
                  My courses
                </NavLink>
              </li>
              {user.role !== 'student' && (
                <li>
                  <NavLink to="/teach">Teaching</NavLink>
                </li>
              )}
              {user.role === 'admin' && (
                <>
                  <li>
                    <NavLink to="/admin/users">People</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/imports">Imports</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/reminders">Reminders</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/audit">Audit log</NavLink>
                  </li>
                </>
              )}
              <li>
                <NavLink to="/preferences">Email preferences</NavLink>
              </li>
              <li>
                <button type="button" className="link-button" onClick={() => void signOut().then(() => navigate('/sign-in'))}>
                  Sign out
                </button>
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** A status line that screen readers announce when it changes. */
export function Status({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'error' | 'success' }) {
  return (
    <p role={tone === 'error' ? 'alert' : 'status'} className={`notice notice-${tone}`}>
      {children}
    </p>
  );
}
