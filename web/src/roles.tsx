import type { ReactNode } from 'react';
import { session, type User } from './api/client';
import { NotFoundPage } from './pages/NotFoundPage';

export type Role = User['role'];

/** Staff pages: anyone else gets the same "not found" the API gives for what they may not see. */
export function OnlyFor({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const user = session.user;
  if (!user || !roles.includes(user.role)) return <NotFoundPage />;
  return children;
}

export const isStaff = (user: User | null) => user?.role === 'admin' || user?.role === 'instructor';
