import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { Caller, CurrentUser, RequestId, Roles } from '../../common/auth.decorators';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import { CoursesService } from './courses.service';
import { CourseDto, CoursePageDto, CourseQuery, CreateCourseDto, UpdateCourseDto } from './dto/course.dto';
import {
  CreateItemDto,
  CreateModuleDto,
  ItemDto,
  ModuleDto,
  ModuleListDto,
  ReorderItemsDto,
  ReorderModulesDto,
  UpdateItemDto,
  UpdateModuleDto,
} from './dto/structure.dto';
import { StructureService } from './structure.service';

@ApiTags('courses')
@ApiBearerAuth()
@Controller('courses')
export class CoursesController {
  constructor(
    private readonly courses: CoursesService,
    private readonly structure: StructureService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a course',
    description: 'Creates a draft course; the creator becomes one of its instructors. A slug already taken is 409.',
  })
  @Roles('admin', 'instructor')
  @ApiCreatedResponse({ type: CourseDto, description: 'The creator becomes an instructor of the course' })
  create(@Body() body: CreateCourseDto, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<CourseDto> {
    return this.courses.create(body, caller, requestId);
  }

  @Get()
  @ApiOperation({
    summary: 'List courses',
    description:
      'Admins see every course, instructors the courses they teach, students the published courses they are enrolled in. Cursor-paginated.',
  })
  @ApiOkResponse({ type: CoursePageDto, description: 'Admins: all; instructors: theirs; students: published courses they are enrolled in' })
  list(@Query() query: CourseQuery, @CurrentUser() caller: Caller): Promise<Page<CourseDto>> {
    return this.courses.list(caller, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a course', description: 'One course, if the caller may see it (else 404).' })
  @ApiOkResponse({ type: CourseDto })
  get(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<CourseDto> {
    return this.courses.get(caller, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a course',
    description:
      'Changes title, description, slug, timezone or reminder policy. Archived courses are read-only (409); a slug already taken is 409.',
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: CourseDto })
  @ApiConflictResponse({ description: 'Archived courses are read-only; slug taken' })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateCourseDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<CourseDto> {
    return this.courses.update(caller, id, body, requestId);
  }

  @Post(':id/publish')
  @ApiOperation({
    summary: 'Publish a course',
    description: 'Makes a draft course visible to its enrolled students. Idempotent for a published course; an archived one is 409.',
  })
  @HttpCode(200)
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: CourseDto })
  publish(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<CourseDto> {
    return this.courses.publish(caller, id, requestId);
  }

  @Post(':id/archive')
  @ApiOperation({
    summary: 'Archive a course',
    description: 'Makes the course read-only; pending reminders are skipped while it is archived.',
  })
  @HttpCode(200)
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: CourseDto })
  archive(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<CourseDto> {
    return this.courses.archive(caller, id, requestId);
  }

  @Post(':id/unarchive')
  @ApiOperation({
    summary: 'Unarchive a course',
    description:
      'Back to published if it had been published, else draft. Reminders skipped while archived are not re-sent. 409 when the course is not archived.',
  })
  @HttpCode(200)
  @Roles('admin', 'instructor')
  @ApiOkResponse({
    type: CourseDto,
    description: 'Back to published when the course had been published, else to draft. Reminders skipped while archived are not re-sent.',
  })
  @ApiConflictResponse({ description: 'The course is not archived (type …/course-not-archived)' })
  unarchive(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<CourseDto> {
    return this.courses.unarchive(caller, id, requestId);
  }

  @Put(':id/instructors/:userId')
  @ApiOperation({
    summary: 'Add an instructor to a course',
    description: 'Makes an instructor (or admin) user an instructor of the course; idempotent.',
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: CourseDto })
  addInstructor(
    @Param('id', uuidPipe) id: string,
    @Param('userId', uuidPipe) userId: string,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<CourseDto> {
    return this.courses.addInstructor(caller, id, userId, requestId);
  }

  @Delete(':id/instructors/:userId')
  @ApiOperation({
    summary: 'Remove an instructor from a course',
    description: 'Removes an instructor; the last one cannot be removed (409).',
  })
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The last instructor cannot be removed' })
  async removeInstructor(
    @Param('id', uuidPipe) id: string,
    @Param('userId', uuidPipe) userId: string,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.courses.removeInstructor(caller, id, userId, requestId);
  }

  @Get(':id/modules')
  @ApiOperation({ summary: "List a course's modules", description: 'Modules in order, each with its items and their materials.' })
  @ApiOkResponse({ type: ModuleListDto, description: 'Modules in order, each with its items and their materials' })
  async modules(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<ModuleListDto> {
    return { data: await this.structure.list(caller, id) };
  }

  @Post(':id/modules')
  @ApiOperation({
    summary: 'Add a module to a course',
    description:
      'Appends a module after the last one, optionally with an unlock time and prerequisite modules. Prerequisites that would form a cycle are 409; so is an archived course.',
  })
  @Roles('admin', 'instructor')
  @ApiCreatedResponse({ type: ModuleDto, description: 'Appended after the last module' })
  @ApiConflictResponse({ description: 'Prerequisites would form a cycle; course archived' })
  createModule(
    @Param('id', uuidPipe) id: string,
    @Body() body: CreateModuleDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<ModuleDto> {
    return this.structure.createModule(caller, id, body, requestId);
  }

  @Put(':id/modules/order')
  @ApiOperation({
    summary: "Reorder a course's modules",
    description:
      'Takes every module id of the course in the new order (a missing or foreign id is 400) and answers the modules in that order.',
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: ModuleListDto })
  async reorderModules(
    @Param('id', uuidPipe) id: string,
    @Body() body: ReorderModulesDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<ModuleListDto> {
    return { data: await this.structure.reorderModules(caller, id, body.moduleIds, requestId) };
  }
}

@ApiTags('courses')
@ApiBearerAuth()
@Controller('modules')
@Roles('admin', 'instructor')
export class ModulesController {
  constructor(private readonly structure: StructureService) {}

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a module',
    description:
      'Changes title, description, unlock time or prerequisites. Prerequisites that would form a cycle are 409 (the detail names it).',
  })
  @ApiOkResponse({ type: ModuleDto })
  @ApiConflictResponse({ description: 'Prerequisites would form a cycle (the detail names it); course archived' })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateModuleDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<ModuleDto> {
    return this.structure.updateModule(caller, id, body, requestId);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete a module',
    description: "Removes the module, its items and prerequisite links; the other modules' positions close up.",
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The module, its items and prerequisite links are removed; positions close up' })
  async delete(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.structure.deleteModule(caller, id, requestId);
  }

  @Post(':id/items')
  @ApiOperation({
    summary: 'Add an item to a module',
    description:
      'Appends an item that presents a catalogue material, with its completion rule: view, watch (minimum percent of the video watched) or mark_done.',
  })
  @ApiCreatedResponse({ type: ItemDto, description: 'Appended after the last item' })
  createItem(
    @Param('id', uuidPipe) id: string,
    @Body() body: CreateItemDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<ItemDto> {
    return this.structure.createItem(caller, id, body, requestId);
  }

  @Put(':id/items/order')
  @ApiOperation({
    summary: "Reorder a module's items",
    description: 'Takes every item id of the module in the new order and answers the module.',
  })
  @ApiOkResponse({ type: ModuleDto })
  reorderItems(
    @Param('id', uuidPipe) id: string,
    @Body() body: ReorderItemsDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<ModuleDto> {
    return this.structure.reorderItems(caller, id, body.itemIds, requestId);
  }
}

@ApiTags('courses')
@ApiBearerAuth()
@Controller('items')
@Roles('admin', 'instructor')
export class ItemsController {
  constructor(private readonly structure: StructureService) {}

  @Patch(':id')
  @ApiOperation({ summary: 'Update an item', description: 'Changes whether the item is required and its completion rule.' })
  @ApiOkResponse({ type: ItemDto })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateItemDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<ItemDto> {
    return this.structure.updateItem(caller, id, body, requestId);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete an item', description: 'Removes the item from its module; positions close up.' })
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.structure.deleteItem(caller, id, requestId);
  }
}
