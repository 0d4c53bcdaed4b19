import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import { CreateMaterialDto, MaterialDto, MaterialPageDto, MaterialQuery, UpdateMaterialDto } from './dto/material.dto';
import { MaterialsService } from './materials.service';

@ApiTags('materials')
@ApiBearerAuth()
@Controller('materials')
export class MaterialsController {
  constructor(private readonly materials: MaterialsService) {}

  @Post()
  @ApiOperation({
    summary: 'Add a material to the catalogue',
    description: 'Adds a video, case study, role play, article, teaching note or book.',
  })
  @Roles('admin', 'instructor')
  @ApiCreatedResponse({ type: MaterialDto })
  create(@Body() body: CreateMaterialDto, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<MaterialDto> {
    return this.materials.create(body, { actorId: caller.id, requestId });
  }

  @Get()
  @ApiOperation({
    summary: 'Search the catalogue',
    description:
      'Materials filtered by kind and tag; with `q`, a full-text search ranked by relevance, otherwise newest first. Cursor-paginated.',
  })
  @ApiOkResponse({ type: MaterialPageDto, description: 'With q: ranked by relevance; otherwise newest first' })
  list(@Query() query: MaterialQuery): Promise<Page<MaterialDto>> {
    return this.materials.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a material', description: 'One material by id.' })
  @ApiOkResponse({ type: MaterialDto })
  get(@Param('id', uuidPipe) id: string): Promise<MaterialDto> {
    return this.materials.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a material', description: 'Changes any field of a material; courses that use it see the change.' })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: MaterialDto })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateMaterialDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<MaterialDto> {
    return this.materials.update(id, body, { actorId: caller.id, requestId });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a material', description: 'Deletes a material no course item uses; otherwise 409 naming the courses.' })
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Used by course items; the detail names the courses' })
  async delete(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.materials.delete(id, { actorId: caller.id, requestId });
  }
}
