import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags, ApiUnauthorizedResponse, ApiOperation } from '@nestjs/swagger';
import { Public } from '../../common/auth.decorators';
import { METRICS_SECURITY, MetricsTokenGuard } from './metrics-token.guard';
import { registry } from './metrics';

@ApiTags('health')
@Controller('metrics')
@Public({ scheme: METRICS_SECURITY })
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'HTTP latency histograms, queue depths and reminder counters in the Prometheus text format. 404 while METRICS_TOKEN is not set.',
  })
  @Header('Content-Type', registry.contentType)
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus exposition format', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'No bearer token, or not METRICS_TOKEN' })
  @ApiNotFoundResponse({ description: 'METRICS_TOKEN is not set: metrics are not served' })
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
