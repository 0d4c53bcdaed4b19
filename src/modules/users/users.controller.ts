import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Caller, CurrentUser, RequestId, Roles } from '../../common/auth.decorators';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import { CreateUserDto, UpdateMeDto, UpdateUserDto, UserDto, UserPageDto, UserQuery } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiCreatedResponse({ type: UserDto, description: 'Without a password the user is invited by email' })
  create(@Body() body: CreateUserDto, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<UserDto> {
    return this.users.create(body, { actorId: caller.id, requestId });
  }

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: UserQuery): Promise<Page<UserDto>> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserDto })
  get(@Param('id', uuidPipe) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserDto })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateUserDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<UserDto> {
    return this.users.update(id, body, { actorId: caller.id, requestId });
  }

  @Post(':id/invitation')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'A fresh set-password link is issued (older unused ones stop working) and the invitation email queued' })
  @ApiConflictResponse({ description: 'The user already has a password (they can use "Forgot password"), or is deactivated' })
  @ApiTooManyRequestsResponse({ description: 'A link was issued to this user less than a minute ago; see Retry-After' })
  async resendInvitation(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.users.resendInvitation(id, { actorId: caller.id, requestId });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deactivated; the user’s tokens stop working at once' })
  async deactivate(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.users.deactivate(id, { actorId: caller.id, requestId });
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserDto })
  get(@CurrentUser() caller: Caller): Promise<UserDto> {
    return this.users.get(caller.id);
  }

  @Patch()
  @ApiOkResponse({ type: UserDto })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords (counted with failed sign-ins); see Retry-After' })
  update(@Body() body: UpdateMeDto, @CurrentUser() caller: Caller, @RequestId() requestId: string, @Ip() ip: string): Promise<UserDto> {
    return this.users.updateMe(caller.id, body, { actorId: caller.id, requestId }, { email: caller.email, ip });
  }
}
