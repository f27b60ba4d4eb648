import { useEffect, useRef } from 'react';

/** The page has just loaded: the first step keeps the browser's own focus (skip link first). */
let pageJustLoaded = true;

/**
 * Moves keyboard and screen-reader focus to the element (a step's heading) when `key` changes,
 * so each new step is announced and the next Tab starts from it. Not on the first view of a
 * fresh page load, where the browser's order (skip link, then content) is what users expect.
 */
export function useFocusOnChange<T extends HTMLElement>(key: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (pageJustLoaded) {
      pageJustLoaded = false;
      return;
    }
    ref.current?.focus();
  }, [key]);
  return ref;
}
