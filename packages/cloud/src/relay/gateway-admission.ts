import type { WebSocket } from 'ws';

/** Largest frame (and message) the gateway reads before an agent proved its key. */
export const UNPROVEN_MAX_PAYLOAD = 64 * 1024;
/** Largest message a proven agent may send (a sync batch of many users). */
export const PROVEN_MAX_PAYLOAD = 16 * 1024 * 1024;

export interface AdmissionLimits {
  /** Sockets that have not proven a key yet, from one address. */
  readonly perAddress: number;
  /** Sockets that have not proven a key yet, on this node. */
  readonly total: number;
}

/**
 * Counts the gateway's sockets that have not proven an agent key yet, by peer address and in
 * all, so that silent or slow connections cannot hold the node's memory and file handles. A
 * socket leaves the count when it proves its key or closes, whichever comes first.
 */
export class GatewayAdmission {
  readonly #limits: AdmissionLimits;
  readonly #byAddress = new Map<string, number>();
  #total = 0;

  constructor(limits: AdmissionLimits) {
    this.#limits = limits;
  }

  get pending(): number {
    return this.#total;
  }

  /** A release function for an admitted socket (safe to call twice); undefined when full. */
  admit(address: string): (() => void) | undefined {
    const current = this.#byAddress.get(address) ?? 0;
    if (current >= this.#limits.perAddress || this.#total >= this.#limits.total) return undefined;
    this.#byAddress.set(address, current + 1);
    this.#total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#byAddress.set(address, left);
      else this.#byAddress.delete(address);
    };
  }
}

interface ReceiverInternals {
  _receiver?: { _maxPayload?: unknown };
}

/**
 * Lifts a proven socket's message cap to the full size. The server reads every socket with the
 * small pre-proof cap; ws keeps the cap on the socket's receiver, which has no public setter.
 * Throws if ws changed that shape (a test covers a message above the small cap after proof).
 */
export function raisePayloadCap(socket: WebSocket, bytes: number): void {
  const receiver = (socket as unknown as ReceiverInternals)._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') {
    throw new Error('ws receiver has no _maxPayload: cannot raise the cap after proof');
  }
  receiver._maxPayload = bytes;
}
