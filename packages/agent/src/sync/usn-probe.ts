/** Longest wait between probes while the DC does not answer them. */
const MAX_BACKOFF_MS = 30_000;

/** Sleeps `ms`; resolves false when the signal aborted first. Injected so tests need no timers. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<boolean>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export interface UsnProbeDeps {
  /** The DC's highestCommittedUSN now (one base search of the rootDSE, one attribute). */
  readonly readUsn: () => Promise<bigint>;
  /** The USN the last delta reached (the cursor), or more if a delta is already due. */
  readonly known: () => bigint;
  /** The DC committed something past `known`: a delta should run now. */
  readonly onAhead: (usn: bigint) => void;
  readonly intervalMs: number;
  readonly sleep?: Sleep;
}

/**
 * Polls the rootDSE's highestCommittedUSN every `intervalMs` and calls `onAhead` when it
 * passed the cursor. A quiet probe is one small read on a pooled connection (no search of the
 * directory), so it can run several times a second; the delta, which searches, runs only when
 * the USN moved. Samba's change notifications arrive seconds late, and Windows' after a
 * commit; this bounds the delay by the interval on either. Each USN is reported once.
 */
export async function runUsnProbe(deps: UsnProbeDeps, signal: AbortSignal): Promise<void> {
  const sleep = deps.sleep ?? realSleep;
  let reported = 0n;
  let failures = 0;
  for (;;) {
    const wait = Math.min(deps.intervalMs * 2 ** failures, MAX_BACKOFF_MS);
    if (!(await sleep(wait, signal))) return;
    try {
      const usn = await deps.readUsn();
      failures = 0;
      if (usn > deps.known() && usn > reported) {
        reported = usn;
        deps.onAhead(usn);
      }
    } catch {
      // The delta loop reports an unreachable DC; the probe only slows down meanwhile.
      failures = Math.min(failures + 1, 10);
    }
  }
}
