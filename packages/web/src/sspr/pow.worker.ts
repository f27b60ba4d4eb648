/// <reference lib="webworker" />
import { leadingZeroBits, sha256 } from './sha256';

/** Solves the SSPR proof of work off the main thread; reports progress every batch. */
const BATCH = 5000;

interface Job {
  readonly challenge: string;
  readonly difficulty: number;
}

self.onmessage = (event: MessageEvent<Job>) => {
  const { challenge, difficulty } = event.data;
  const expected = 2 ** difficulty;
  for (let nonce = 0; ; nonce++) {
    if (leadingZeroBits(sha256(`${challenge}:${nonce}`)) >= difficulty) {
      self.postMessage({ type: 'done', nonce: String(nonce) });
      return;
    }
    if (nonce % BATCH === BATCH - 1) {
      self.postMessage({ type: 'progress', fraction: Math.min(0.99, (nonce + 1) / expected) });
    }
  }
};
