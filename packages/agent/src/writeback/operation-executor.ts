import {
  decryptSecrets,
  EnvelopeError,
  type Outcome,
  type OperationRequest,
  type OperationSecrets,
  type Secret,
} from '@ferry/protocol';
import type { CryptoKey } from 'jose';
import type { Clock } from '../directory/dc-endpoints.js';
import type { DirectoryConnector, UserTarget } from '../directory/directory-connector.js';
import type { OperationJournal } from '../state/operation-journal.js';
import type { AgentMetrics } from '../metrics/agent-metrics.js';

export interface ExecutorDependencies {
  readonly connector: DirectoryConnector;
  readonly journal: OperationJournal;
  /** The agent's decryption keys, current first (a rotation keeps the previous one). */
  readonly decryptionKeys: () => readonly CryptoKey[];
  /** The agent's own "password writeback" switch (the setup wizard's checkbox). */
  readonly passwordWritebackEnabled: () => boolean;
  /** The agent's accountUnlock option: unlocks without a reset (default: served). */
  readonly accountUnlockEnabled?: () => boolean;
  readonly clock: Clock;
  /**
   * Asks the cloud for the right to write: the connection it was granted on, or undefined
   * (another agent holds the operation, or the connection went away).
   */
  readonly claim: (operationId: string) => Promise<Connection | undefined>;
  /**
   * Tells the cloud, before the write, the user's pwdLastSet as the lookup saw it: if this
   * agent is lost, the next one compares it with AD to tell whether the write landed. The
   * connection it went out on, or undefined when there is none: then there is no write.
   */
  readonly announceWrite: (
    operationId: string,
    passwordLastSet: string | undefined,
  ) => Connection | undefined;
  /** Whether that connection to the cloud is still the open one. */
  readonly isConnected: (connection: Connection) => boolean;
  /** Counts each run by kind and outcome, with its duration. */
  readonly metrics?: Pick<AgentMetrics, 'operation'>;
}

/** One connection of the agent to the cloud (a reconnect is another one). */
export type Connection = number;

/** `undefined`: another agent has the operation; this one sends no result. */
export type ExecutionResult = Outcome | undefined;

const WRITES = new Set(['sspr_reset', 'admin_reset', 'change', 'unlock']);

/**
 * Applies one verified operation at most once: a replay gets the journaled outcome, an
 * expired operation is never applied, secrets must belong to the operation, the cloud must
 * grant the claim before the directory write and hear the user's pwdLastSet as it was, and
 * the write is conditional on the user's write marker, which records the operations that
 * landed (ADR 0011): a retry of one that landed answers `applied` and writes nothing.
 */
export class OperationExecutor {
  readonly #deps: ExecutorDependencies;
  /** The run of each operation in progress; a redelivery waits for it, then runs itself. */
  readonly #running = new Map<string, Promise<ExecutionResult>>();

  constructor(dependencies: ExecutorDependencies) {
    this.#deps = dependencies;
  }

  /**
   * Runs one operation. A redelivery of an operation still running here (its connection
   * dropped and the cloud gave it back) starts once that run has ended: it then finds its
   * outcome in the journal if it wrote, or claims afresh if it gave up.
   */
  execute(operation: OperationRequest): Promise<ExecutionResult> {
    const previous = this.#running.get(operation.id);
    const run = previous
      ? previous.then(
          () => this.#execute(operation),
          () => this.#execute(operation),
        )
      : this.#execute(operation);
    this.#running.set(operation.id, run);
    const forget = (): void => {
      if (this.#running.get(operation.id) === run) this.#running.delete(operation.id);
    };
    run.then(forget, forget);
    const started = performance.now();
    const count = (outcome: string) => () =>
      this.#deps.metrics?.operation(operation.kind, outcome, (performance.now() - started) / 1000);
    // undefined: another agent holds the operation (this one sent nothing).
    run.then((result) => count(result?.code ?? 'not_claimed')(), count('error'));
    return run;
  }

  async #execute(operation: OperationRequest): Promise<ExecutionResult> {
    const { journal, clock } = this.#deps;
    const known = journal.state(operation.id);
    if (known.phase === 'done') return known.outcome;
    if (clock.now() >= new Date(operation.expiresAt)) {
      // This agent died mid-write: that write may have landed, so "nothing changed" would lie.
      if (known.phase === 'claimed') {
        return { code: 'outcome_unknown', detail: 'expired after an interrupted write here' };
      }
      return { code: 'expired', detail: 'the operation expired before the agent could apply it' };
    }
    const isWrite = WRITES.has(operation.kind);
    if ((isWrite || operation.kind === 'fence') && !this.#deps.passwordWritebackEnabled()) {
      return { code: 'writeback_disabled', scope: 'agent' };
    }
    // A fence needs no claim: it is idempotent, and it is what makes a late claimed write of
    // the operation it fences fail (ADR 0016).
    if (operation.kind === 'fence') return this.#fence(operation);
    if (operation.kind === 'unlock' && this.#deps.accountUnlockEnabled?.() === false) {
      return { code: 'unlock_disabled', detail: "this agent's accountUnlock option is off" };
    }
    // The claim and the lookup (which serves the idempotency check and the write itself) travel
    // together, while the secrets are decrypted: the user waits for the slower of the two.
    const lookup = isWrite ? this.#deps.connector.resolveUser(operation.target) : undefined;
    const claim = isWrite ? this.#deps.claim(operation.id) : undefined;
    // Decryption holds the thread (an RSA private-key operation): first let both go out.
    if (lookup) await new Promise((resolve) => setImmediate(resolve));
    const secrets = await this.#secretsOf(operation);
    const found = await lookup;
    if ('code' in secrets) return secrets;
    if (!found) return this.#apply(operation, secrets, operation.target);
    if (!found.ok) return found.outcome;
    const stamp = found.user.passwordLastSetStamp;
    // Told as soon as it is known, while the claim may still wait on the cloud's check; not
    // awaited: the cloud keeps the first stamp it hears and reads it before anything this
    // agent sends later on that connection; a lost connection is how it learns to retry.
    const announcedOn = this.#deps.announceWrite(operation.id, stamp);
    const grantedOn = await claim;
    // The grant and the stamp must have gone over one connection, still open: once it drops,
    // the cloud may give the operation to another agent, which would not know of this write.
    if (grantedOn === undefined || grantedOn !== announcedOn) return undefined;
    // Whether an earlier attempt (another agent's, or this one's before a crash) landed is
    // told by the user's write marker, not guessed from the stamp: the write itself is
    // conditional on the marker this lookup read, so it cannot land twice (ADR 0011).
    if (!this.#deps.isConnected(grantedOn)) return undefined;
    journal.claimed(operation.id, clock.now());
    const outcome = await this.#apply(operation, secrets, found, known.phase === 'claimed');
    journal.done(operation.id, outcome, clock.now());
    return outcome;
  }

  async #fence(operation: OperationRequest): Promise<Outcome> {
    const fenced = operation.options.fences;
    // The schema requires it on a fence; checked again where it is used.
    if (!fenced) return { code: 'operation_rejected', detail: 'a fence names no operation' };
    return this.#deps.connector.fence(operation.target, fenced, new Date(operation.expiresAt));
  }

  /** The operation's secrets, or the refusal when they cannot be read. */
  async #secretsOf(operation: OperationRequest): Promise<OperationSecrets | Outcome> {
    if (!operation.secrets) return {};
    try {
      return await this.#decrypt(operation, operation.secrets);
    } catch (error) {
      const detail = error instanceof EnvelopeError ? error.message : 'secrets unreadable';
      return { code: 'operation_rejected', detail };
    }
  }

  async #decrypt(operation: OperationRequest, jwe: string): Promise<OperationSecrets> {
    let failure: unknown = new EnvelopeError('no decryption key');
    for (const key of this.#deps.decryptionKeys()) {
      try {
        return await decryptSecrets(key, operation, jwe);
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }

  async #apply(
    operation: OperationRequest,
    secrets: OperationSecrets,
    target: UserTarget,
    interruptedHere = false,
  ): Promise<Outcome> {
    const { connector } = this.#deps;
    const { options } = operation;
    const guard = {
      operationId: operation.id,
      notAfter: new Date(operation.expiresAt),
      // The cloud keeps the stamp of an agent lost after announcing its write; this agent's
      // journal says when it itself died mid-write.
      afterLostAttempt: operation.priorPasswordLastSet !== undefined || interruptedHere,
    };
    const need = (secret: Secret | undefined, name: string): Secret => {
      if (!secret) throw new EnvelopeError(`${name} missing from the operation`);
      return secret;
    };
    try {
      switch (operation.kind) {
        case 'sspr_reset':
          return await connector.reset(
            target,
            need(secrets.newPassword, 'new password'),
            {
              initiator: 'user',
              unlock: options.unlock ?? true,
            },
            guard,
          );
        case 'admin_reset':
          return await connector.reset(
            target,
            need(secrets.newPassword, 'new password'),
            {
              initiator: 'admin',
              unlock: options.unlock ?? true,
              mustChangeAtNextLogon: options.mustChangeAtNextLogon ?? false,
            },
            guard,
          );
        case 'change':
          return await connector.change(
            target,
            need(secrets.currentPassword, 'current password'),
            need(secrets.newPassword, 'new password'),
            guard,
          );
        case 'unlock':
          return await connector.unlock(target, guard);
        case 'verify_credentials':
          return await connector.verifyCredentials(
            operation.target,
            need(secrets.currentPassword, 'password'),
          );
        case 'fence':
          return await this.#fence(operation);
        case 'read_policy': {
          const found = await connector.effectivePolicy(operation.target);
          if (!found.ok) return found.outcome;
          const { enabled, protected: isProtected } = found.user;
          return {
            code: 'user_policy',
            policy: found.policy,
            account: { enabled, protected: isProtected },
          };
        }
      }
    } catch (error) {
      if (error instanceof EnvelopeError)
        return { code: 'operation_rejected', detail: error.message };
      throw error;
    }
  }
}
