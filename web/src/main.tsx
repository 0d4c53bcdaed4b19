import { StrictMode, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { refresh, session } from './api/client';
import { Layout } from './components/Layout';
import { CoursePage } from './pages/CoursePage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { HomePage } from './pages/HomePage';
import { ItemPage } from './pages/ItemPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PreferencesPage } from './pages/PreferencesPage';
import { SetPasswordPage } from './pages/SetPasswordPage';
import { SignInPage } from './pages/SignInPage';
import { outboxFor } from './outbox';
import { AdminApp } from './admin/AdminApp';
import { isStaff, OnlyFor } from './roles';
import { TeachApp } from './teach/TeachApp';
import { UnsubscribePage } from './pages/UnsubscribePage';
import './styles.css';

const useUser = () =>
  useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.user,
  );

/** Pages behind sign-in send a signed-out visitor to the sign-in page, and back here afterwards. */
function SignedIn({ children }: { children: ReactNode }) {
  const user = useUser();
  const location = useLocation();
  if (!user) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

/** Students land on their courses; staff on the courses they teach. */
function Home() {
  return isStaff(session.user) ? <Navigate to="/teach" replace /> : <HomePage />;
}

function App() {
  const [ready, setReady] = useState(false);
  useUser(); // re-render the frame (navigation) on sign-in and sign-out
  useEffect(() => {
    // A reload keeps the session: the refresh cookie buys a new access token.
    void refresh().finally(() => setReady(true));
    // Whoever signs in: send what their earlier visits left in the outbox.
    return session.subscribe((user) => user && outboxFor(user.id));
  }, []);
  if (!ready) return <p className="loading">Loading Accord…</p>;
  return (
    <Layout>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/set-password" element={<SetPasswordPage />} />
        <Route path="/unsubscribe" element={<UnsubscribePage />} />
        <Route
          path="/"
          element={
            <SignedIn>
              <Home />
            </SignedIn>
          }
        />
        <Route
          path="/preferences"
          element={
            <SignedIn>
              <PreferencesPage />
            </SignedIn>
          }
        />
        <Route
          path="/courses/:slug"
          element={
            <SignedIn>
              <CoursePage />
            </SignedIn>
          }
        />
        <Route
          path="/courses/:slug/modules/:moduleId"
          element={
            <SignedIn>
              <CoursePage />
            </SignedIn>
          }
        />
        <Route
          path="/courses/:slug/items/:itemId"
          element={
            <SignedIn>
              <ItemPage />
            </SignedIn>
          }
        />
        <Route
          path="/teach/*"
          element={
            <SignedIn>
              <OnlyFor roles={['admin', 'instructor']}>
                <TeachApp />
              </OnlyFor>
            </SignedIn>
          }
        />
        <Route
          path="/admin/*"
          element={
            <SignedIn>
              <OnlyFor roles={['admin']}>
                <AdminApp />
              </OnlyFor>
            </SignedIn>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
