import {
  followCloudKeyChain,
  importKey,
  SIGNING_ALG,
  signProof,
  type AgentMessage,
} from '@ferry/protocol';
import { readFile } from 'node:fs/promises';
import type { CryptoKey, JWK } from 'jose';
import type { Logger } from 'pino';
import {
  discardStagedKeys,
  hasStagedKeys,
  promoteStagedKeys,
  saveIdentity,
  stageNextKeys,
  type AgentIdentity,
  type AgentKeys,
  type StatePaths,
} from '../state/agent-state.js';

export interface KeyRotationOptions {
  readonly identity: AgentIdentity;
  readonly keys: AgentKeys;
  /** The state folder, where new keys are staged. */
  readonly paths: StatePaths;
  readonly log: Logger;
}

/** The channel, as a rotation uses it. */
export interface RotationLink {
  send(message: AgentMessage): void;
  /** Whether the session the rotation started on is still up. */
  online(): boolean;
}

/**
 * The agent's keys on its channel: rotating them at the cloud's request without dropping the
 * session, and finishing a rotation a crash interrupted (the cloud may already hold the
 * staged keys when the agent comes back).
 */
export class KeyRotation {
  readonly #options: KeyRotationOptions;
  readonly #link: RotationLink;
  #keys: AgentKeys;
  /** The identity as on disk (its pinned cloud key changes when the cloud rotates it). */
  #identity: AgentIdentity;
  /** A re-pin of the cloud key in progress: operations wait for it. */
  #repin: Promise<void> = Promise.resolve();
  #rotationAnswer: ((accepted: boolean) => void) | undefined;
  /** After a crash mid-rotation the cloud may hold the staged keys: prove with them once. */
  #proveWithStaged = false;

  constructor(options: KeyRotationOptions, link: RotationLink) {
    this.#options = options;
    this.#link = link;
    this.#keys = options.keys;
    this.#identity = options.identity;
  }

  /** The agent's keys now (a rotation replaces them while the agent runs). */
  get keys(): AgentKeys {
    return this.#keys;
  }

  /**
   * The cloud rotated its signing key: follows the endorsements from the pinned key, then
   * verifies operations with the new one and writes it to the identity file. Started at once
   * (an operation that follows on the socket waits for `repinned`).
   */
  followCloudKey(endorsements: readonly string[]): void {
    const next = followCloudKeyChain(this.#identity.cloudSigningKey as JWK, endorsements);
    if (!next) return;
    const identity = { ...this.#identity, cloudSigningKey: next as Record<string, unknown> };
    this.#identity = identity;
    this.#repin = this.#repin.then(async () => {
      try {
        const cloudVerification = await importKey(next, SIGNING_ALG);
        this.#keys = { ...this.#keys, cloudVerification };
        await saveIdentity(this.#options.paths, identity);
        this.#options.log.info('agent channel: cloud signing key re-pinned');
      } catch (error) {
        this.#options.log.error({ err: error }, 'agent channel: cannot re-pin the cloud key');
      }
    });
  }

  /** Settles once a re-pin started before it is done. */
  repinned(): Promise<void> {
    return this.#repin;
  }

  /** The answer to the cloud's challenge, signed with the current key or the staged one. */
  async proof(nonce: string): Promise<string> {
    const signing = this.#proveWithStaged ? await this.#stagedSigningKey() : this.#keys.signing;
    return signProof(signing, { nonce, agentId: this.#options.identity.agentId });
  }

  /** The cloud accepted the proof: staged keys it proved become the current ones. */
  async accepted(): Promise<void> {
    if (!this.#proveWithStaged) return;
    this.#keys = await promoteStagedKeys(this.#options.paths, this.#identity);
    this.#proveWithStaged = false;
    this.#options.log.info('agent channel: finished an interrupted key rotation');
  }

  /**
   * A refused proof with staged keys on disk: the cloud may have taken them before a crash.
   * True when the next connection should prove with them (at once, without backing off).
   */
  async afterRefusal(code: string): Promise<boolean> {
    if (code !== 'proof_invalid') return false;
    if (this.#proveWithStaged) {
      this.#proveWithStaged = false;
      await discardStagedKeys(this.#options.paths);
    } else if (hasStagedKeys(this.#options.paths)) {
      this.#proveWithStaged = true;
      return true;
    }
    return false;
  }

  /** The cloud's answer to the new keys. */
  answered(accepted: boolean): void {
    this.#rotationAnswer?.(accepted);
  }

  /**
   * Replaces the key pairs without dropping the session: new keys are staged on disk, the
   * cloud gets their public halves with a proof signed by the new signing key, and only
   * when it accepts do they become current (the old decryption key is kept for operations
   * already in flight).
   */
  async rotate(sessionId: string): Promise<void> {
    const { paths, log } = this.#options;
    const identity = this.#identity;
    const staged = await stageNextKeys(paths);
    const proof = await signProof(await importKey(staged.signing.privateJwk, SIGNING_ALG), {
      nonce: sessionId,
      agentId: identity.agentId,
    });
    const accepted = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      this.#rotationAnswer = (answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      this.#link.send({
        type: 'rotate_keys',
        encryptionKey: staged.encryption.publicJwk as Record<string, unknown>,
        signingKey: staged.signing.publicJwk as Record<string, unknown>,
        proof,
      });
    });
    this.#rotationAnswer = undefined;
    if (accepted) {
      this.#keys = await promoteStagedKeys(paths, identity);
      log.info('agent channel: keys rotated');
    } else if (this.#link.online()) {
      await discardStagedKeys(paths);
      log.warn('agent channel: the cloud did not take the new keys; keeping the current ones');
    }
  }

  async #stagedSigningKey(): Promise<CryptoKey> {
    const jwk = JSON.parse(await readFile(this.#options.paths.nextSigningKey, 'utf8')) as JWK;
    return importKey(jwk, SIGNING_ALG);
  }
}
