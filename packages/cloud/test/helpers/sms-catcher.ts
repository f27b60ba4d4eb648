import { createServer, type Server } from 'node:http';

export interface CaughtSms {
  readonly to: string;
  readonly text: string;
  readonly authorization: string | undefined;
}

/** A real HTTP endpoint on 127.0.0.1 that plays the SMS gateway and keeps what it gets. */
export class SmsCatcher {
  readonly messages: CaughtSms[] = [];
  /** Status the gateway answers (tests set 500 to see a refusal). */
  status = 202;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SmsCatcher> {
    const sink: { catcher?: SmsCatcher } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          to: string;
          text: string;
        };
        sink.catcher?.messages.push({
          to: body.to,
          text: body.text,
          authorization: request.headers.authorization,
        });
        response.writeHead(sink.catcher?.status ?? 500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('sms catcher has no port');
    sink.catcher = new SmsCatcher(server, `http://127.0.0.1:${address.port}/sms`);
    return sink.catcher;
  }

  /** Polls until a message to `to` arrives (the cloud sends in the background). */
  async waitFor(to: string, timeoutMs = 10_000): Promise<CaughtSms> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((message) => message.to === to);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no SMS to ${to} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
