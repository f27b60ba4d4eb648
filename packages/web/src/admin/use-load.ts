import { useCallback, useEffect, useState } from 'react';

/** Loads data on mount and on `reload()`; errors go to `onError` (a lost session signs out). */
export function useLoad<T>(
  load: () => Promise<T>,
  onError: (error: unknown) => void,
  deps: readonly unknown[] = [],
): { data: T | null; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const stableLoad = useCallback(load, deps);
  useEffect(() => {
    let current = true;
    stableLoad()
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (!current) return;
        setError(failure);
        onError(failure);
      });
    return () => {
      current = false;
    };
    // onError is a fresh closure each render; the load identity is what matters.
  }, [stableLoad, version]);
  return { data, error, reload: () => setVersion((value) => value + 1) };
}
