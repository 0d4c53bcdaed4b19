import 'reflect-metadata';
import { createApp } from './app.factory';
import { failedToStart, loadConfigOrExit, stopOn } from './config/bootstrap';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  stopOn(async () => {
    // Requests in flight finish; their keep-alive connections are closed as soon as they go idle.
    const server = app.getHttpServer() as { closeIdleConnections?: () => void };
    const idle = setInterval(() => server.closeIdleConnections?.(), 100);
    try {
      await app.close();
    } finally {
      clearInterval(idle);
    }
  });
  await app.listen(config.port, config.host);
}

bootstrap().catch(failedToStart('Accord API'));
