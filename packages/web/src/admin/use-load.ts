import { useEffect, useEffectEvent, useState } from 'react';

/**
 * Loads data on mount, when a value in `deps` changes, and on `reload()`; errors go to `onError`
 * (a lost session signs out). `load` and `onError` may be fresh closures each render: the
 * latest ones run, and only `deps` (compared as JSON) and `reload()` start a new load.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  onError: (error: unknown) => void,
  deps: readonly unknown[] = [],
): { data: T | null; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const latestLoad = useEffectEvent(load);
  const latestOnError = useEffectEvent(onError);
  const key = JSON.stringify(deps);
  useEffect(() => {
    let current = true;
    latestLoad()
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (!current) return;
        setError(failure);
        latestOnError(failure);
      });
    return () => {
      current = false;
    };
  }, [key, version]);
  return { data, error, reload: () => setVersion((value) => value + 1) };
}
