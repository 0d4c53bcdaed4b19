import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @Roles('admin', 'instructor')
  @ApiCreatedResponse({ type: MaterialDto })
  create(@Body() body: CreateMaterialDto, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<MaterialDto> {
    return this.materials.create(body, { actorId: caller.id, requestId });
  }

  @Get()
  @ApiOkResponse({ type: MaterialPageDto, description: 'With q: ranked by relevance; otherwise newest first' })
  list(@Query() query: MaterialQuery): Promise<Page<MaterialDto>> {
    return this.materials.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: MaterialDto })
  get(@Param('id', uuidPipe) id: string): Promise<MaterialDto> {
    return this.materials.get(id);
  }

  @Patch(':id')
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
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Used by course items; the detail names the courses' })
  async delete(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.materials.delete(id, { actorId: caller.id, requestId });
  }
}
