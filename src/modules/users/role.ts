export const ROLES = ['admin', 'instructor', 'student'] as const;
export type Role = (typeof ROLES)[number];
