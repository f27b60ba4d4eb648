import { api, type RequestOptions } from '../api/client';

/** An SSPR call inside a flow: the opaque flow token travels in a header, never in the URL. */
export function flowApi<T>(flowToken: string, path: string, options: RequestOptions = {}) {
  return api<T>(`/sspr${path}`, {
    ...options,
    headers: { ...options.headers, 'x-ferry-flow': flowToken },
  });
}
