/** Runs the proof of work in a Web Worker; `onProgress` gets 0..1 (an estimate: it is luck). */
export function solveProofOfWork(
  challenge: string,
  difficulty: number,
  onProgress: (fraction: number) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (
      event: MessageEvent<{ type: string; nonce?: string; fraction?: number }>,
    ) => {
      if (event.data.type === 'progress') onProgress(event.data.fraction ?? 0);
      if (event.data.type === 'done') {
        worker.terminate();
        resolve(event.data.nonce ?? '');
      }
    };
    worker.onerror = (error) => {
      worker.terminate();
      reject(new Error(error.message));
    };
    worker.postMessage({ challenge, difficulty });
  });
}
