import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { lowerCased } from '../../../common/transforms';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MIN, UserDto } from '../../users/dto/user.dto';

export class LoginDto {
  @ApiProperty({ format: 'email', example: 'admin@accord.local' })
  @Transform(lowerCased)
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'accord-admin-demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    description: 'The refresh token; omitted in cookie mode (then the accord_refresh cookie and X-CSRF-Token are used)',
  })
  @IsOptional()
  @IsString()
  @Length(20, 200)
  refreshToken?: string;
}

export class PasswordResetDto {
  @ApiProperty({ format: 'email', example: 'student@accord.local' })
  @Transform(lowerCased)
  @IsEmail()
  @MaxLength(320)
  email: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The token from the invitation link' })
  @IsString()
  @Length(20, 300)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: 200 })
  @IsString()
  @Length(PASSWORD_MIN, 200)
  password: string;
}

export class TokenPairDto {
  @ApiProperty() accessToken: string;
  @ApiPropertyOptional({
    description: 'The refresh token; omitted in cookie mode (X-Accord-Session: cookie), where it is set in the accord_refresh cookie',
  })
  refreshToken?: string;
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
  @ApiProperty({ type: UserDto }) user: UserDto;
}
