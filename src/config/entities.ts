import { AuditEntry } from '../modules/audit/entities/audit-entry.entity';
import { PasswordToken } from '../modules/auth/entities/password-token.entity';
import { RefreshToken } from '../modules/auth/entities/refresh-token.entity';
import { User } from '../modules/users/entities/user.entity';

/** Every TypeORM entity, listed once so app, CLI and tests see the same model. */
export const ENTITIES = [User, RefreshToken, PasswordToken, AuditEntry];
