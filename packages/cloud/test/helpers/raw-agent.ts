import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  importKey,
  signProof,
  SIGNING_ALG,
  type CloudMessage,
  type KeyPairJwk,
} from '@ferry/protocol';
import type { CryptoKey } from 'jose';
import WebSocket from 'ws';
import type { Harness } from './harness.js';

/** A hand-driven agent socket, to send what a real agent never would. */
export interface RawSession {
  send(message: unknown): void;
  sendText(text: string): void;
  next(): Promise<CloudMessage>;
  nextOf<T extends CloudMessage['type']>(type: T): Promise<Extract<CloudMessage, { type: T }>>;
  readonly closed: Promise<number>;
  close(): void;
}

/** Opens a gateway socket; rejects with the HTTP status when the upgrade is refused. */
export async function rawSession(
  wsUrl: string,
  options: { localAddress?: string } = {},
): Promise<RawSession> {
  const socket = new WebSocket(wsUrl, options);
  const inbox: CloudMessage[] = [];
  const waiting: Array<(message: CloudMessage) => void> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as CloudMessage;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve).once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused: ${response.statusCode}`)),
    );
  });
  const next = (): Promise<CloudMessage> =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift()!)
      : new Promise((resolve) => waiting.push(resolve));
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    sendText: (text) => socket.send(text),
    next,
    nextOf: async <T extends CloudMessage['type']>(type: T) => {
      for (;;) {
        const message = await next();
        if (message.type === type) return message as Extract<CloudMessage, { type: T }>;
      }
    },
    closed,
    close: () => socket.close(),
  };
}

/** An agent enrolled through the API with keys the test holds. */
export interface TestAgent {
  readonly agentId: string;
  readonly signing: KeyPairJwk;
  readonly signingKey: CryptoKey;
}

export async function enrollTestAgent(h: Harness, token: string): Promise<TestAgent> {
  const encryption = await generateEncryptionKeyPair();
  const signing = await generateSigningKeyPair();
  const enrolled = await h.client().post('/api/v1/agents/enroll', {
    token,
    name: 'raw-agent',
    hostname: 'raw.corp.test',
    agentVersion: '0.1.0',
    protocolVersion: 1,
    encryptionKey: encryption.publicJwk,
    signingKey: signing.publicJwk,
  });
  if (enrolled.status !== 201) throw new Error(`enrollment failed: ${enrolled.body}`);
  return {
    agentId: enrolled.json.agentId as string,
    signing,
    signingKey: await importKey(signing.privateJwk, SIGNING_ALG),
  };
}

/** Says hello as `agentId` and answers the challenge with `key`; returns the cloud's answer. */
export async function proveAs(
  session: RawSession,
  agentId: string,
  key: CryptoKey,
  agentVersion = 'test',
): Promise<CloudMessage> {
  session.send({ type: 'hello', protocolVersion: 1, agentId, agentVersion });
  const challenge = await session.next();
  if (challenge.type !== 'challenge') return challenge;
  session.send({ type: 'proof', jws: await signProof(key, { nonce: challenge.nonce, agentId }) });
  return session.next();
}
