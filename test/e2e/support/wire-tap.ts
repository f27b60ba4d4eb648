import { createServer, connect, type Server, type Socket } from 'node:net';

export interface WireFrame {
  readonly direction: 'agent→cloud' | 'cloud→agent';
  readonly payload: Buffer;
}

/**
 * A TCP relay between an agent and the cloud that records every byte and decodes the
 * WebSocket frames (unmasking the agent's), so a test can read what really crossed the wire.
 */
export class WireTap {
  readonly frames: WireFrame[] = [];
  readonly raw: Buffer[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #tamper = false;
  #holdAfter: ((agentFrame: string) => boolean) | undefined;

  readonly #targetPort: number;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = createServer((agentSide) => this.#relay(agentSide));
  }

  static async start(targetPort: number): Promise<WireTap> {
    const tap = new WireTap(targetPort);
    await new Promise<void>((resolve) => tap.#server.listen(0, '127.0.0.1', resolve));
    return tap;
  }

  #relay(agentSide: Socket): void {
    const cloudSide = connect(this.#targetPort, '127.0.0.1');
    this.#sockets.add(agentSide).add(cloudSide);
    const up = new FrameReader('agent→cloud', this);
    const down = new FrameReader('cloud→agent', this);
    let holding = false;
    agentSide.on('data', (chunk) => {
      this.raw.push(chunk);
      const before = this.frames.length;
      up.push(chunk);
      const hold = this.#holdAfter;
      if (hold && this.frames.slice(before).some((f) => hold(f.payload.toString('utf8')))) {
        this.#holdAfter = undefined;
        holding = true;
      }
      cloudSide.write(chunk);
    });
    cloudSide.on('data', (chunk) => {
      // Held: the cloud's replies on this connection never reach the agent.
      if (holding) return;
      this.raw.push(chunk);
      const forwarded = this.#maybeTamper(chunk);
      down.push(forwarded);
      agentSide.write(forwarded);
    });
    const closeBoth = (): void => {
      agentSide.destroy();
      cloudSide.destroy();
    };
    agentSide.on('close', closeBoth).on('error', closeBoth);
    cloudSide.on('close', closeBoth).on('error', closeBoth);
  }

  /**
   * From the first agent frame matching `match` on, the cloud's replies on that connection are
   * dropped: the agent waits for an answer that never comes (later connections relay normally).
   */
  holdRepliesAfter(match: (agentFrame: string) => boolean): void {
    this.#holdAfter = match;
  }

  /** Flips one character of the signature of the next operation sent to the agent. */
  tamperNextOperation(): void {
    this.#tamper = true;
  }

  #maybeTamper(chunk: Buffer): Buffer {
    if (!this.#tamper) return chunk;
    const text = chunk.toString('latin1');
    const start = text.indexOf('"type":"operation","jws":"');
    if (start < 0) return chunk;
    const payloadDot = text.indexOf('.', start);
    const signatureDot = text.indexOf('.', payloadDot + 1);
    if (payloadDot < 0 || signatureDot < 0) return chunk;
    const at = signatureDot + 5;
    const copy = Buffer.from(chunk);
    copy[at] = copy[at] === 0x41 ? 0x42 : 0x41; // 'A' <-> 'B': same length, same frame
    this.#tamper = false;
    return copy;
  }

  get port(): number {
    const address = this.#server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Splits one direction of a stream into the HTTP upgrade and then WebSocket frames. */
class FrameReader {
  #buffer = Buffer.alloc(0);
  #upgraded = false;

  constructor(
    private readonly direction: WireFrame['direction'],
    private readonly tap: WireTap,
  ) {}

  push(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    if (!this.#upgraded) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.#buffer = this.#buffer.subarray(end + 4);
      this.#upgraded = true;
    }
    for (;;) {
      const frame = this.#next();
      if (!frame) return;
      this.tap.frames.push({ direction: this.direction, payload: frame });
    }
  }

  #next(): Buffer | undefined {
    const data = this.#buffer;
    if (data.length < 2) return undefined;
    const masked = (data[1]! & 0x80) !== 0;
    let length = data[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      length = Number(data.readBigUInt64BE(2));
      offset = 10;
    }
    const maskKey = masked ? data.subarray(offset, offset + 4) : undefined;
    if (masked) offset += 4;
    if (data.length < offset + length) return undefined;
    const payload = Buffer.from(data.subarray(offset, offset + length));
    if (maskKey)
      for (let index = 0; index < payload.length; index += 1)
        payload[index]! ^= maskKey[index % 4]!;
    this.#buffer = data.subarray(offset + length);
    return payload;
  }
}
