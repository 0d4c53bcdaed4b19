import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/env';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  stopOn(() => app.close());
  await app.listen(config.port, config.host);
}

/** SIGTERM/SIGINT: finish in-flight work, close connections, exit 0. */
function stopOn(close: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    });
  }
}


bootstrap().catch((error: unknown) => {
  process.stderr.write(`Accord API failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
