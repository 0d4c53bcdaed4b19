import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth.decorators';
import { registry } from './metrics';

@ApiTags('health')
@Controller('metrics')
@Public()
export class MetricsController {
  @Get()
  @Header('Content-Type', registry.contentType)
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus exposition format', schema: { type: 'string' } })
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
