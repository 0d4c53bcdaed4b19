import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { quietBootLogger } from './common/boot-logger';
import { failedToStart, loadConfigOrExit, stopOn } from './config/bootstrap';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(quietBootLogger(app.get(Logger)));
  stopOn(async () => {
    app.get(Logger).log('Accord worker stopping: finishing active jobs', 'Worker');
    await app.close();
  });
  await app.init();
  app.get(Logger).log('Accord worker ready: processing queues', 'Worker');
}

bootstrap().catch(failedToStart('Accord worker'));
