import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { SsprSettings } from '../api/types';

let cached: Promise<string | null> | null = null;

/** The tenant's helpdesk link (public SSPR settings), fetched once and only when needed. */
export function useHelpdeskUrl(needed: boolean): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!needed) return;
    let current = true;
    cached ??= api<SsprSettings>('/sspr/settings')
      .then((settings) => settings.helpdeskUrl)
      .catch(() => null);
    void cached.then((value) => current && setUrl(value));
    return () => {
      current = false;
    };
  }, [needed]);
  return url;
}
