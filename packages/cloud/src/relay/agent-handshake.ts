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
import { findAgent, keyRotationPending, markAgentOnline } from './agent-store.js';
import type { AgentSession } from './agent-sessions.js';
import { unknownAgentKey } from './unknown-agent-key.js';

export type Phase =
  | { readonly name: 'hello' }
  | {
      readonly name: 'proof';
      readonly agentId: string;
      readonly tenantId: string;
      readonly nonce: string;
      /** Undefined for an id the cloud does not know: the proof then fails like a wrong key. */
      readonly key: JWK | undefined;
      readonly agentVersion: string;
    }
  | { readonly name: 'online'; readonly session: AgentSession };

export interface HandshakeOptions {
  readonly db: Kysely<Database>;
  readonly nodeId: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly heartbeatSeconds: number;
  readonly cloudKeys: { readonly endorsements: readonly string[] };
}

export interface HandshakeIo {
  send(message: CloudMessage): void;
  refuse(code: ErrorCode, detail: string): void;
  readonly deadline: NodeJS.Timeout;
  /** Registers the proven agent's session on this node. */
  online(agentId: string, tenantId: string): AgentSession;
  /** Unregisters a session that was refused after all (disabled while it proved). */
  drop(session: AgentSession): void;
}

/**
 * One step of the handshake: an agent says hello, signs the nonce it is given with its
 * registered key, and only then is online (may report status, claim operations and send
 * results). Anything out of order or malformed is refused. Before the proof nothing is
 * written, and every hello gets a challenge: an unknown id and a wrong key both end in
 * `proof_invalid`, so the gateway does not tell which agent ids exist. The agent's state is
 * read at proof time, in the same update that marks it online: one disabled or removed while
 * it proved is refused.
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
    const nonce = random.bytes(32).toString('base64url');
    io.send({ type: 'challenge', nonce, protocolVersion: AGENT_PROTOCOL_VERSION });
    return {
      name: 'proof',
      agentId: message.agentId,
      tenantId: agent?.tenant_id ?? '',
      nonce,
      key: agent ? (JSON.parse(agent.signing_key_json) as JWK) : undefined,
      agentVersion: message.agentVersion,
    };
  }
  if (message.type !== 'proof') return deny('message_invalid', 'expected proof');
  // An unknown id is checked against a key nobody holds: the same work, the same answer.
  const key = phase.key ? await importKey(phase.key, SIGNING_ALG) : await unknownAgentKey();
  const proven = await verifyProof(key, message.jws, {
    nonce: phase.nonce,
    agentId: phase.agentId,
  });
  if (!proven || !phase.key) return deny('proof_invalid', `agent ${phase.agentId}`);
  // Registered before the state is read: a disable committed after this read finds the
  // session and closes it; one committed before it makes the read fail.
  const session = io.online(phase.agentId, phase.tenantId);
  const active = await markAgentOnline(db, phase.agentId, {
    nodeId: options.nodeId,
    now: clock.now(),
    version: phase.agentVersion,
  });
  if (!active) {
    io.drop(session);
    const removed = !(await findAgent(db, phase.agentId));
    return deny(removed ? 'proof_invalid' : 'agent_disabled', `agent ${phase.agentId}`);
  }
  clearTimeout(io.deadline);
  io.send({
    type: 'accepted',
    sessionId: session.sessionId,
    heartbeatSeconds: options.heartbeatSeconds,
  });
  // An agent that was away during a rotation of the cloud key follows the chain now.
  const endorsements = options.cloudKeys.endorsements;
  if (endorsements.length > 0) io.send({ type: 'cloud_key', endorsements: [...endorsements] });
  if (await keyRotationPending(db, phase.agentId)) io.send({ type: 'rotate_keys_request' });
  options.log.info({ agentId: phase.agentId }, 'agent gateway: agent online');
  return { name: 'online', session };
}
