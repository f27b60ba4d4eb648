import {
  AGENT_PROTOCOL_VERSION,
  importKey,
  isSupportedProtocol,
  SIGNING_ALG,
  SUPPORTED_AGENT_PROTOCOL,
  verifyProof,
  type AgentMessage,
  type CloudMessage,
  type ErrorCode,
} from '@ferry/protocol';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import {
  findAgent,
  keyRotationPending,
  markAgentOnline,
  recordAgentVersion,
} from './agent-store.js';
import type { AgentSession } from './agent-sessions.js';

/** How long an agent has from its socket opening to a valid proof. */
export const HANDSHAKE_MS = 10_000;

export type Phase =
  | { readonly name: 'hello' }
  | {
      readonly name: 'proof';
      readonly agentId: string;
      readonly tenantId: string;
      readonly nonce: string;
      readonly key: JWK;
    }
  | { readonly name: 'online'; readonly session: AgentSession };

export interface HandshakeOptions {
  readonly db: Kysely<Database>;
  readonly nodeId: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly heartbeatSeconds: number;
}

export interface HandshakeIo {
  send(message: CloudMessage): void;
  refuse(code: ErrorCode, detail: string): void;
  readonly deadline: NodeJS.Timeout;
  /** Registers the proven agent's session on this node. */
  online(agentId: string, tenantId: string): AgentSession;
}

/**
 * One step of the handshake: an agent says hello, signs the nonce it is given with its
 * registered key, and only then is online (may report status, claim operations and send
 * results). Anything out of order or malformed is refused.
 */
export async function handshakeStep(
  options: HandshakeOptions,
  phase: Exclude<Phase, { name: 'online' }>,
  message: AgentMessage,
  io: HandshakeIo,
): Promise<Phase> {
  const { db, clock, random } = options;
  // A refusal closes the socket; the phase stays as it was.
  const deny = (code: ErrorCode, detail: string): Phase => {
    io.refuse(code, detail);
    return phase;
  };
  if (phase.name === 'hello') {
    if (message.type !== 'hello') return deny('message_invalid', 'expected hello');
    if (!isSupportedProtocol(message.protocolVersion)) {
      io.refuse(
        'protocol_incompatible',
        `agent speaks ${message.protocolVersion}, cloud supports ${SUPPORTED_AGENT_PROTOCOL.min}..${SUPPORTED_AGENT_PROTOCOL.max}`,
      );
      return phase;
    }
    const agent = await findAgent(db, message.agentId);
    if (!agent) return deny('agent_unknown', `agent ${message.agentId}`);
    if (agent.status !== 'active') return deny('agent_disabled', `agent ${agent.id}`);
    const nonce = random.bytes(32).toString('base64url');
    io.send({ type: 'challenge', nonce, protocolVersion: AGENT_PROTOCOL_VERSION });
    await recordAgentVersion(db, agent.id, message.agentVersion);
    return {
      name: 'proof',
      agentId: agent.id,
      tenantId: agent.tenant_id,
      nonce,
      key: JSON.parse(agent.signing_key_json) as JWK,
    };
  }
  if (message.type !== 'proof') return deny('message_invalid', 'expected proof');
  const proven = await verifyProof(await importKey(phase.key, SIGNING_ALG), message.jws, {
    nonce: phase.nonce,
    agentId: phase.agentId,
  });
  if (!proven) return deny('proof_invalid', `agent ${phase.agentId}`);
  clearTimeout(io.deadline);
  const session = io.online(phase.agentId, phase.tenantId);
  await markAgentOnline(db, phase.agentId, options.nodeId, clock.now());
  io.send({
    type: 'accepted',
    sessionId: session.sessionId,
    heartbeatSeconds: options.heartbeatSeconds,
  });
  if (await keyRotationPending(db, phase.agentId)) io.send({ type: 'rotate_keys_request' });
  options.log.info({ agentId: phase.agentId }, 'agent gateway: agent online');
  return { name: 'online', session };
}
