import type { AppConfig } from './env';
import { ConfigError, loadConfig } from './env';

/** The validated configuration, or exit 1 with one line naming the variable that is wrong. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** SIGTERM/SIGINT: finish in-flight work, close connections, exit 0. */
export function stopOn(close: () => Promise<void>): void {
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

/** Last resort for a start-up failure: one line, exit 1. */
export function failedToStart(what: string): (error: unknown) => void {
  return (error) => {
    process.stderr.write(`${what} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
}
