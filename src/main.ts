import 'reflect-metadata';
import { createApp } from './app.factory';
import { failedToStart, loadConfigOrExit, stopOn } from './config/bootstrap';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  stopOn(() => app.close());
  await app.listen(config.port, config.host);
}

bootstrap().catch(failedToStart('Accord API'));
