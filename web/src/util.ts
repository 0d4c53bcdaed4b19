import { useCallback, useEffect, useRef, useState } from 'react';

/** Sets the tab title; every page has its own, so a screen reader user knows where they landed. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Accord`;
  }, [title]);
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  reload: () => void;
}

/** Runs `load` when `key` changes (and on reload()); keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let live = true;
    latest.current().then(
      (value) => live && (setData(value), setError(undefined)),
      (e: unknown) => live && setError(e instanceof Error ? e : new Error('Something went wrong.')),
    );
    return () => void (live = false);
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, reload };
}

/** A date and time in the given IANA zone, e.g. "3 Dec 2026, 17:00 (Europe/Helsinki)". */
export function formatDateTime(iso: string, timeZone: string): string {
  const text = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  return `${text} (${timeZone})`;
}

export function formatPercent(value: number): string {
  return `${Math.round(value * 10) / 10} %`;
}

/** Unwraps an openapi-fetch answer: the data, or an Error with the problem's detail. */
export function must<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data !== undefined) return answer.data;
  const problem = answer.error as { detail?: string; title?: string } | undefined;
  const error = new Error(problem?.detail ?? problem?.title ?? `The server answered ${answer.response.status}.`);
  (error as Error & { status?: number }).status = answer.response.status;
  throw error;
}

/** A text field of a submitted form ('' when absent). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
