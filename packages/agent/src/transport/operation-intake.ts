import {
  EnvelopeError,
  verifyOperation,
  type AgentMessage,
  type OperationRequest,
} from '@ferry/protocol';
import type { Logger } from 'pino';
import type { AgentIdentity, AgentKeys } from '../state/agent-state.js';
import type { OperationExecutor } from '../writeback/operation-executor.js';

export interface IntakeOptions {
  readonly identity: AgentIdentity;
  readonly executor: OperationExecutor;
  readonly log: Logger;
}

/**
 * An operation the cloud sent: verified (signed by the cloud, addressed to this agent and
 * tenant), run by the executor, and its outcome sent back. One that fails verification is
 * answered `operation_rejected` and never run.
 */
export async function handleOperation(
  jws: string,
  keys: AgentKeys,
  options: IntakeOptions,
  send: (message: AgentMessage) => void,
): Promise<void> {
  const { identity, executor, log } = options;
  const received = performance.now();
  let operation: OperationRequest;
  try {
    operation = await verifyOperation(keys.cloudVerification, jws);
    if (operation.agentId !== identity.agentId || operation.tenantId !== identity.tenantId) {
      throw new EnvelopeError('operation addressed to another agent or tenant');
    }
  } catch (error) {
    const id = unverifiedOperationId(jws);
    log.warn(
      { operationId: id, reason: (error as Error).message },
      'agent channel: operation refused',
    );
    if (id)
      send({
        type: 'result',
        operationId: id,
        outcome: { code: 'operation_rejected', detail: (error as Error).message },
      });
    return;
  }
  const outcome = await executor.execute(operation);
  // The user is waiting on the outcome: it leaves before the log line is written.
  if (outcome) send({ type: 'result', operationId: operation.id, outcome });
  log.info(
    {
      operationId: operation.id,
      kind: operation.kind,
      outcome: outcome?.code ?? 'not_claimed',
      durationMs: Math.round((performance.now() - received) * 10) / 10,
    },
    'operation',
  );
}

/** The id in an operation whose signature failed, only to say which one was refused. */
function unverifiedOperationId(jws: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()) as {
      id?: unknown;
    };
    return typeof payload.id === 'string' && /^[0-9a-f-]{36}$/i.test(payload.id)
      ? payload.id
      : undefined;
  } catch {
    return undefined;
  }
}
