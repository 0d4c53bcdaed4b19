import { useCallback, useEffect, useRef, useState } from 'react';

export interface Paged<T> {
  items: T[];
  error: string | undefined;
  loading: boolean;
  /** More pages wait behind "Load more". */
  more: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Replaces one loaded item (after a change) without reloading the list. */
  update: (match: (item: T) => boolean, next: T) => void;
}

/**
 * A cursor-paginated list: the first page when `key` changes (or on reload()), the next page on
 * loadMore(). Answers to an older key are dropped, so a quick second search never shows the first.
 */
export function usePaged<T>(
  load: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>,
  key: string,
): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  const generation = useRef(0);

  const fetchPage = useCallback(async (cursor: string | undefined, append: boolean) => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const page = await latest.current(cursor);
      if (mine !== generation.current) return;
      setItems((old) => (append ? [...old, ...page.data] : page.data));
      setNext(page.nextCursor);
      setError(undefined);
    } catch (e) {
      if (mine === generation.current) setError(e instanceof Error ? e.message : 'Something went wrong.');
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void fetchPage(undefined, false);
  }, [key, round, fetchPage]);

  return {
    items,
    error,
    loading,
    more: next !== null,
    loadMore: () => void (next && fetchPage(next, true)),
    reload: () => setRound((n) => n + 1),
    update: (match, value) => setItems((old) => old.map((item) => (match(item) ? value : item))),
  };
}
