import { Module } from '@nestjs/common';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsController } from './metrics.controller';

@Module({ controllers: [MetricsController], providers: [MetricsTokenGuard] })
export class MetricsModule {}
