export class TimeoutError extends Error {}

/**
 * `work`'s outcome, or a TimeoutError once `ms` have passed without one. The timer never keeps
 * the process alive and is cleared as soon as `work` settles.
 */
export function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
