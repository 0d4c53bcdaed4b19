import { TimeoutError, within } from './within';

describe('within', () => {
  afterEach(() => jest.useRealTimers());

  it('answers with the work when it settles in time, and clears its timer', async () => {
    jest.useFakeTimers();
    await expect(within(1_000, Promise.resolve('done'))).resolves.toBe('done');
    await expect(within(1_000, Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives up with a TimeoutError when the work takes longer', async () => {
    jest.useFakeTimers();
    const never = within(50, new Promise<never>(() => undefined));
    const outcome = expect(never).rejects.toBeInstanceOf(TimeoutError);
    await jest.advanceTimersByTimeAsync(50);
    await outcome;
  });
});
