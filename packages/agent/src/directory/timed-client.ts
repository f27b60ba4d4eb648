import type { Client } from 'ldapts';

/** Hears how each domain controller answers: for the agent's metrics. */
export interface DcObserver {
  /** A DC answered a connection and bind (true), or failed to (false). */
  reachable(url: string, up: boolean): void;
  /** One LDAP request to a DC took `seconds` (answered or refused by the DC alike). */
  request(url: string, request: TimedRequest, seconds: number): void;
}

const TIMED = ['bind', 'search', 'modify', 'add', 'del', 'compare', 'exop', 'modifyDN'] as const;
export type TimedRequest = (typeof TIMED)[number];
const timed: ReadonlySet<string> = new Set(TIMED);

/** The client, its LDAP requests timed for `observer` under the DC's URL. */
export function timedClient(client: Client, url: string, observer: DcObserver): Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !timed.has(property) || typeof value !== 'function') {
        return value;
      }
      const request = property as TimedRequest;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          observer.request(url, request, (performance.now() - started) / 1000);
        }
      };
    },
  });
}
