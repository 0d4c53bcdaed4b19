import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { trimmed, lowerCased } from '../../../common/transforms';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { User } from '../entities/user.entity';
import { Role, ROLES } from '../role';
import { CURSOR_MAX, EMAIL_MAX, NAME_MAX, PAGE_LIMIT_MAX, PASSWORD_MAX, SEARCH_MAX, TIMEZONE_MAX } from '../../../common/limits';

export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > TIMEZONE_MAX) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as "Europe/Helsinki". */
export function IsTimeZone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone such as Europe/Helsinki`, ...options },
      validator: { validate: isTimeZone },
    });
}

export const PASSWORD_MIN = 10;

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ maxLength: NAME_MAX }) name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ maxLength: TIMEZONE_MAX, example: 'Europe/Helsinki' }) timezone: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ description: 'False while an invitation is pending' }) hasPassword: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(user: User & { hasPassword?: boolean }): UserDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      timezone: user.timezone,
      isActive: user.isActive,
      hasPassword: user.hasPassword ?? true,
      lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

/** A user as other resources show them (an enrolment's student, a report row, a reminder's recipient). */
export class UserSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: NAME_MAX }) name: string;
  @ApiProperty({ format: 'email' }) email: string;

  static from(u: { id: string; name: string; email: string }): UserSummaryDto {
    return { id: u.id, name: u.name, email: u.email };
  }
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto], maxItems: PAGE_LIMIT_MAX }) data: UserDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX }) nextCursor: string | null;
}

export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: EMAIL_MAX })
  @Transform(lowerCased)
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: NAME_MAX })
  @Transform(trimmed)
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ maxLength: TIMEZONE_MAX, example: 'Europe/Helsinki', default: 'UTC' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN,
    maxLength: PASSWORD_MAX,
    description: 'Omit to send an invitation with a set-password link',
  })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ maxLength: TIMEZONE_MAX, example: 'Europe/Helsinki' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ description: 'false deactivates (like DELETE), true reactivates' })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: NAME_MAX })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ maxLength: TIMEZONE_MAX, example: 'Europe/Helsinki' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: 'Requires currentPassword' })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({ maxLength: PASSWORD_MAX })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  currentPassword?: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'Matches name or email (case-insensitive substring)', maxLength: SEARCH_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(SEARCH_MAX)
  q?: string;
}
