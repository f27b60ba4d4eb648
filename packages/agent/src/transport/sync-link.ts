import type { AgentMessage, CloudMessage, SyncBatch } from '@ferry/protocol';

type SyncAnswer = Extract<
  CloudMessage,
  { type: 'sync_lease' | 'sync_ack' | 'sync_preview_result' }
>;
type Answer<T extends SyncAnswer['type']> = Extract<CloudMessage, { type: T }>;

/**
 * The sync conversation on the agent's channel: requests that wait for the cloud's answer
 * (lease, batch, preview batch), matched by key, and the cloud's "sync now" requests.
 * Answers never arrive after the link drops: every waiter then gets undefined.
 */
export class SyncLink {
  readonly #waiters = new Map<string, (answer: SyncAnswer | undefined) => void>();
  readonly #requestListeners = new Set<() => void>();

  constructor(
    private readonly send: (message: AgentMessage) => void,
    private readonly online: () => boolean,
  ) {}

  /** Asks for (or renews) the tenant's sync lease; undefined when offline or unanswered. */
  requestLease(): Promise<Answer<'sync_lease'> | undefined> {
    return this.#ask('lease', { type: 'sync_lease_request' });
  }

  /** Sends one sync batch and waits for the cloud's verdict; undefined when the link broke. */
  sendBatch(batch: SyncBatch): Promise<Answer<'sync_ack'> | undefined> {
    return this.#ask(`${batch.runId}:${batch.sequence}`, { type: 'sync_batch', batch }, 120_000);
  }

  /** Sends one batch of a preview run; the cloud answers with what it would change. */
  sendPreview(batch: SyncBatch): Promise<Answer<'sync_preview_result'> | undefined> {
    return this.#ask(
      `preview:${batch.runId}:${batch.sequence}`,
      { type: 'sync_preview', batch },
      120_000,
    );
  }

  /** Called when an admin asks for a sync now. */
  onRequest(listener: () => void): () => void {
    this.#requestListeners.add(listener);
    return () => this.#requestListeners.delete(listener);
  }

  /** Takes the cloud's sync messages; false for any other message. */
  receive(message: CloudMessage): boolean {
    switch (message.type) {
      case 'sync_lease':
        this.#answer('lease', message);
        return true;
      case 'sync_ack':
        this.#answer(`${message.runId}:${message.sequence}`, message);
        return true;
      case 'sync_preview_result':
        this.#answer(`preview:${message.runId}:${message.sequence}`, message);
        return true;
      case 'sync_request':
        for (const listener of this.#requestListeners) listener();
        return true;
      default:
        return false;
    }
  }

  /** The link dropped: nobody will answer the questions in flight. */
  dropped(): void {
    for (const resolve of this.#waiters.values()) resolve(undefined);
    this.#waiters.clear();
  }

  #answer(key: string, message: SyncAnswer): void {
    this.#waiters.get(key)?.(message);
    this.#waiters.delete(key);
  }

  #ask<T extends SyncAnswer>(
    key: string,
    message: AgentMessage,
    timeoutMs = 10_000,
  ): Promise<T | undefined> {
    if (!this.online()) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.set(key, (answer) => {
        clearTimeout(timer);
        resolve(answer as T | undefined);
      });
      this.send(message);
    });
  }
}
